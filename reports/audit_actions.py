"""The reports app's audit actions as a person reads them (registered with audit.labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.labels import register

register(
    {
        "report.requested": _("Yêu cầu lập báo cáo"),
        "report.retried": _("Tạo lại văn bản"),
        "document.issued": _("Cấp số văn bản"),
    },
    fields={
        "kind": _("loại báo cáo"),
        "unit": _("đơn vị"),
        "format": _("định dạng"),
        "code": _("số, ký hiệu"),
        "title": _("trích yếu"),
        "subject": _("văn bản"),
    },
)
