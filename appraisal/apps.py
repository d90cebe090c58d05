from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "Kiểm điểm, đánh giá, xếp loại"

    def seed_demo(self, *, stdout=None) -> None:
        from .demo import seed

        seed(stdout=stdout)
