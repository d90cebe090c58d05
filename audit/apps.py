from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Nhật ký thay đổi"

    def ready(self) -> None:
        # Each app names and displays its own actions in an ``audit_actions`` module (see audit/labels.py).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("audit_actions")
