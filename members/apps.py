from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Đảng viên"

    def seed_demo(self, *, stdout=None) -> None:
        from .demo import seed

        seed(stdout=stdout)
