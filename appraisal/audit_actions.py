"""The appraisal app's audit actions as a person reads them (registered with audit.labels).

A new concern (self-reviews, meetings, ratings…) adds its own ``register(...)`` call here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.labels import register

from .models import CycleState, PeriodKind

register(
    {
        "guidance_document.created": _("Thêm văn bản hướng dẫn"),
        "guidance_document.updated": _("Sửa văn bản hướng dẫn"),
    },
    fields={
        "code": _("số, ký hiệu"),
        "issued_on": _("ngày ban hành"),
        "summary": _("trích yếu"),
        "file": _("tệp đính kèm"),
    },
)
register(
    {
        "review_cycle.created": _("Tạo kỳ đánh giá"),
        "review_cycle.updated": _("Sửa kỳ đánh giá"),
        "review_cycle.opened": _("Triển khai kỳ đánh giá"),
        "review_cycle.scope_synced": _("Cập nhật phạm vi kỳ đánh giá"),
        "review_cycle.closed": _("Kết thúc kỳ đánh giá"),
    },
    fields={
        "title": _("tên kỳ"),
        "period_kind": _("loại kỳ"),
        "year": _("năm"),
        "quarter": _("quý"),
        "start_date": _("từ ngày"),
        "end_date": _("đến ngày"),
        "rule_set": _("bộ quy tắc"),
        "guidance_documents": _("văn bản hướng dẫn"),
        "state": _("trạng thái"),
        "opened_at": _("triển khai lúc"),
        "closed_at": _("kết thúc lúc"),
        "created": _("phần việc tạo mới"),
        "adopted": _("phần việc nhận từ kỳ cấp trên"),
        "self_review_due": _("hạn nộp bản kiểm điểm"),
        "meetings_due": _("hạn tổ chức hội nghị"),
        "proposals_due": _("hạn gửi đề nghị"),
        "decisions_due": _("hạn quyết định"),
        "report_due": _("hạn báo cáo"),
    },
    values={"state": CycleState, "period_kind": PeriodKind},
)
