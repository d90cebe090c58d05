from django.apps import AppConfig


class PartyUnitsConfig(AppConfig):
    name = "party_units"
    verbose_name = "Tổ chức đảng"

    def seed_demo(self, *, stdout=None) -> None:
        from .demo import seed

        seed(stdout=stdout)
