from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Văn bản, báo cáo"

    def decision_panels(self, request, review) -> list:
        from .panels import decision_panels

        return decision_panels(request, review)

    def meeting_panels(self, request, review) -> list:
        from .panels import meeting_panels

        return meeting_panels(request, review)

    def collective_panels(self, request, review) -> list:
        from .panels import collective_panels

        return collective_panels(request, review)

    def dashboard_panels(self, request, scope) -> list:
        from .panels import dashboard_panels

        return dashboard_panels(request, scope)

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_delete

        from .documents import fonts

        fonts.configure(font_dir=settings.DOCUMENT_FONT_DIR or None, cache_dir=settings.DOCUMENT_FONT_CACHE)
        from . import signals  # registers the fonts once in every worker process
        from .models import ReportJob

        post_delete.connect(
            signals.remove_file_on_commit, sender=ReportJob, dispatch_uid="reports.remove_file_on_commit"
        )
