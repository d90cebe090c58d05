from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "Kiểm điểm, đánh giá, xếp loại"
