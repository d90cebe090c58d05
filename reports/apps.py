from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Văn bản, báo cáo"

    def ready(self) -> None:
        from django.conf import settings

        from .documents import fonts

        fonts.configure(font_dir=settings.DOCUMENT_FONT_DIR or None, cache_dir=settings.DOCUMENT_FONT_CACHE)
        from . import signals  # noqa: F401 - registers the fonts once in every worker process
