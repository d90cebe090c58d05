from django.apps import AppConfig


class PartyUnitsConfig(AppConfig):
    name = "party_units"
    verbose_name = "Tổ chức đảng"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="party_units.sessions.stamp_login")

    def seed_demo(self, *, stdout=None) -> None:
        from .demo import seed

        seed(stdout=stdout)
