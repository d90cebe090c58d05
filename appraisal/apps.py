from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "Kiểm điểm, đánh giá, xếp loại"

    def seed_demo(self, *, stdout=None) -> None:
        from .demo import seed

        seed(stdout=stdout)

    def home_panels(self, request) -> list:
        from .selectors.panels import home_panels

        return home_panels(request)

    def member_panels(self, request, member) -> list:
        from .selectors.panels import member_panels

        return member_panels(request, member)
