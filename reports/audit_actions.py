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
register(
    {
        "report_job.deleted": _("Xóa văn bản đã tạo (quản trị)"),
        "committee_term.created": _("Thêm nhiệm kỳ (quản trị)"),
        "committee_term.updated": _("Sửa nhiệm kỳ (quản trị)"),
        "committee_term.deleted": _("Xóa nhiệm kỳ (quản trị)"),
    },
    fields={
        "kind": _("loại báo cáo"),
        "file": _("tệp"),
        "label": _("nhiệm kỳ"),
        "starts_on": _("từ ngày"),
        "ends_on": _("đến ngày"),
    },
)
register(
    {
        "review_cycle.archive_requested": _("Yêu cầu lập hồ sơ lưu trữ kỳ đánh giá"),
        "review_cycle.archive_exported": _("Xuất hồ sơ lưu trữ kỳ đánh giá (lệnh quản trị)"),
    },
    fields={"job": _("văn bản được tạo"), "file": _("tệp"), "sha256": _("SHA-256"), "size": _("dung lượng")},
)
