"""The appraisal app's audit actions as a person reads them (registered with audit.labels).

A new concern (self-reviews, meetings, ratings…) adds its own ``register(...)`` call here.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from audit.labels import field_labels, register

from .models import (
    CycleState,
    GuidanceDocument,
    PastRatingSource,
    PeriodKind,
    Rating,
    ReviewCycle,
    ReviewMeeting,
    RoundOutcome,
    SelfReviewState,
    UnitReviewState,
    VoteMethod,
)
from .rules import Level, Subject, format_percent


def _level(value: str) -> str:
    return Level(value).label if value in {level.value for level in Level} else value


def _unfinished(value) -> str:
    """{"not_started": 3, "submitted": 1} → "Chưa bắt đầu: 3, Đã gửi đề nghị: 1"."""
    if not isinstance(value, dict):
        return str(value)
    labels = dict(UnitReviewState.choices)
    return ", ".join(f"{labels.get(state, state)}: {count}" for state, count in value.items())


register(
    {
        "guidance_document.created": _("Thêm văn bản hướng dẫn"),
        "guidance_document.updated": _("Sửa văn bản hướng dẫn"),
    },
    fields=field_labels(GuidanceDocument, "code", "issued_on", "summary", "file"),
)
register(
    {
        "review_cycle.created": _("Tạo kỳ đánh giá"),
        "review_cycle.updated": _("Sửa kỳ đánh giá"),
        "review_cycle.opened": _("Triển khai kỳ đánh giá"),
        "review_cycle.scope_synced": _("Cập nhật phạm vi kỳ đánh giá"),
        "review_cycle.closed": _("Kết thúc kỳ đánh giá"),
        "review_cycle.reopened": _("Mở lại kỳ đánh giá đã kết thúc"),
    },
    fields={
        "title": _("tên kỳ"),
        **field_labels(ReviewCycle, "period_kind", "year", "quarter", "start_date", "end_date", "rule_set"),
        **field_labels(ReviewCycle, "guidance_documents", "state"),
        "opened_at": _("triển khai lúc"),
        "closed_at": _("kết thúc lúc"),
        "created": _("phần việc tạo mới"),
        "adopted": _("phần việc nhận từ kỳ cấp trên"),
        "self_review_due": _("hạn nộp bản kiểm điểm"),
        "meetings_due": _("hạn tổ chức hội nghị"),
        "proposals_due": _("hạn gửi đề nghị"),
        "decisions_due": _("hạn quyết định"),
        "report_due": _("hạn báo cáo"),
        "unfinished": _("đơn vị chưa hoàn thành"),
        "reason": _("lý do"),
    },
    values={"state": CycleState, "period_kind": PeriodKind, "unfinished": _unfinished},
)
# The committee's decisions (issue 10).
register(
    {
        "rating.created": _("Thêm mục xếp loại"),
        "rating.decided": _("Quyết định xếp loại"),
        "rating.quota_exception": _("Quyết định xếp loại vượt tỷ lệ (ngoại lệ)"),
        "rating.decision_withdrawn": _("Hủy quyết định xếp loại khi mở lại"),
        "proposal_round.approved": _("Phê duyệt lần gửi đề nghị"),
        "proposal_round.returned": _("Trả lại lần gửi đề nghị"),
        "unit_review.approved": _("Phê duyệt kết quả xếp loại"),
        "unit_review.returned": _("Trả lại đề nghị xếp loại"),
        "unit_review.reopened": _("Mở lại kết quả đã phê duyệt"),
        "quota.raised": _("Nâng tỷ lệ hoàn thành xuất sắc nhiệm vụ"),
        "quota_group.defined": _("Xác định nhóm đối tượng tính tỷ lệ"),
        "past_rating.recorded": _("Ghi xếp loại những năm trước"),
    },
    fields={
        "subject": _("đối tượng"),
        "decided_level": _("cấp ủy quyết định"),
        "decision_reason": _("lý do điều chỉnh"),
        "quota_exception_reason": _("lý do vượt tỷ lệ"),
        "outcome": _("kết quả"),
        "outcome_reason": _("lý do"),
        "state": _("tiến độ"),
        "unit": _("đơn vị"),
        "ratio": _("tỷ lệ"),
        "reason": _("lý do"),
        "name": _("tên nhóm"),
        "codes": _("mẫu hoặc loại tổ chức"),
        "year": _("năm"),
        "level": _("xếp loại"),
        "note": _("ghi chú"),
        "source": _("nguồn"),
    },
    values={
        "subject": lambda v: Subject(v).label if v in {s.value for s in Subject} else v,
        "decided_level": _level,
        "level": _level,
        "outcome": RoundOutcome,
        "state": UnitReviewState,
        "source": PastRatingSource,
        "ratio": lambda v: format_percent(Decimal(v), 0),
    },
)
register(
    {
        "meeting.created": _("Ghi kết quả hội nghị kiểm điểm"),
        "meeting.updated": _("Sửa thông tin hội nghị kiểm điểm"),
        "meeting.attendance": _("Điểm danh hội nghị kiểm điểm"),
    },
    fields={
        **field_labels(ReviewMeeting, "held_on", "starts_at", "ends_at", "place", "vote_method", "guidance_documents"),
        "conclusions": _("kết luận"),
        "guests": _("đại biểu dự"),
    },
    values={"vote_method": VoteMethod},
)
register(
    {"rating.proposed": _("Chi bộ đề nghị xếp loại")},
    fields={
        **field_labels(Rating, "self_level", "comments", "votes", "proposed_level", "assessment"),
        "shortcomings": _("hạn chế cần khắc phục"),
        "proposal_ground": _("căn cứ ngoại lệ"),
    },
    values={"self_level": _level, "proposed_level": _level},
)
register(
    {
        "unit_review.submitted": _("Chi bộ gửi đề nghị xếp loại"),
        "unit_review.resubmitted": _("Chi bộ gửi lại đề nghị xếp loại"),
        "unit_review.withdrawn": _("Chi bộ rút lại đề nghị xếp loại"),
        "proposal_round.submitted": _("Lần gửi đề nghị xếp loại"),
        "proposal_round.withdrawn": _("Rút lại lần gửi đề nghị"),
    },
    fields={"state": _("tiến độ"), "proposals": _("đề nghị đã gửi"), "outcome": _("kết quả"), "outcome_at": _("lúc")},
    values={"state": UnitReviewState, "outcome": RoundOutcome},
)
# Self-reviews, the cell's own report, reminders, the cycle's 2025 criteria (issue 8).
register(
    {
        "self_review.started": _("Bắt đầu viết bản kiểm điểm"),
        "self_review.submitted": _("Nộp bản kiểm điểm"),
        "self_review.resubmitted": _("Nộp lại bản kiểm điểm"),
        "self_review.returned": _("Trả lại bản kiểm điểm"),
        "self_review.reopened": _("Cho phép nộp muộn bản kiểm điểm"),
        "self_review.reminded": _("Nhắc nộp bản kiểm điểm"),
        "collective_report.started": _("Bắt đầu viết báo cáo kiểm điểm của chi bộ"),
        "collective_report.completed": _("Hoàn thành báo cáo kiểm điểm của chi bộ"),
        "review_cycle.score_criteria_updated": _("Sửa tiêu chí chấm điểm của kỳ đánh giá"),
    },
    fields={
        "form": _("mẫu"),
        "state": _("trạng thái"),
        "version": _("lần nộp"),
        "proposed_level": _("tự đề xuất"),
        "changed": _("mục đã sửa"),
        "reopened_until": _("được nộp đến"),
        "reminded": _("số người được nhắc"),
        "without_account": _("chưa có tài khoản"),
        "general": _("nhóm tiêu chí chung"),
        "tasks": _("nhóm tiêu chí kết quả thực hiện nhiệm vụ"),
    },
    values={
        "state": lambda v: SelfReviewState(v).label if v in SelfReviewState.values else v,
        "proposed_level": _level,
        "reminded": lambda v: len(v) if isinstance(v, list) else v,
    },
)
