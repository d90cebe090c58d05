"""A member's self-review (bản kiểm điểm cá nhân) and the cell's own report (báo cáo kiểm điểm tập thể).

The form variant (02; 02A/02B; 2A/2B/2C) comes from the cycle's rule set through eligibility; ``content``
holds what the member typed, keyed by the variant's section and criterion codes, so one table serves
every regulation version. A row exists once the member has started: "not started" is the absence of a row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.models import account_ref
from members.models import Member

from ..rules import Level
from .cycles import InUnitReview, UnitReview


class SelfReviewState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Bị trả lại")
    RESUBMITTED = "resubmitted", _("Đã nộp lại")


LEVEL_CHOICES = Level.choices()


def _written_fields() -> tuple[models.Field, ...]:
    """What a self-review and a collective report both hold, made at the place of the call so that each model
    keeps its column order: the state, what was written, the level proposed and the two 2025 scores."""
    return (
        models.CharField(
            _("trạng thái"), max_length=12, choices=SelfReviewState.choices, default=SelfReviewState.DRAFT
        ),
        models.JSONField(_("nội dung"), default=dict, blank=True),
        models.CharField(_("tự đề xuất xếp loại"), max_length=8, choices=LEVEL_CHOICES, blank=True),
        models.DecimalField(_("điểm nhóm tiêu chí chung"), max_digits=5, decimal_places=2, null=True, blank=True),
        models.DecimalField(
            _("điểm kết quả thực hiện nhiệm vụ"), max_digits=5, decimal_places=2, null=True, blank=True
        ),
    )


class SelfReview(InUnitReview):
    """One member's self-review in one cycle, filed in the cell whose work item it belongs to."""

    unit_review = models.ForeignKey(
        UnitReview, verbose_name=_("phần việc của chi bộ"), on_delete=models.CASCADE, related_name="self_reviews"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("đảng viên"), on_delete=models.PROTECT, related_name="self_reviews"
    )
    form_code = models.CharField(_("mẫu"), max_length=24)
    # The member held a leadership post: the form carries the leaders' criteria (fixed by 02B / 2A, a choice
    # of the single 2019 form). Kept so the stored content can always be drawn with its structure.
    leader = models.BooleanField(_("cán bộ lãnh đạo, quản lý"), default=False)
    state, content, proposed_level, general_score, tasks_score = _written_fields()
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    reopened_until = models.DateField(_("được nộp muộn đến"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bản kiểm điểm cá nhân")
        verbose_name_plural = _("bản kiểm điểm cá nhân")
        constraints = [
            models.UniqueConstraint(fields=["unit_review", "member"], name="self_review_one_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.unit_review.cycle}"

    @property
    def owner_user_id(self) -> int | None:
        return self.member.user_id

    @property
    def is_editable_by_member(self) -> bool:
        return self.state in (SelfReviewState.DRAFT, SelfReviewState.RETURNED)


class SelfReviewVersion(models.Model):
    """What the member submitted, each time: a return and resubmission keeps both versions."""

    self_review = models.ForeignKey(SelfReview, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("lần nộp"))
    content = models.JSONField(default=dict)
    proposed_level = models.CharField(max_length=8, choices=LEVEL_CHOICES, blank=True)
    general_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    tasks_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = account_ref()
    # What became of this version: returned by the secretary with a reason (empty while it stands).
    returned_at = models.DateTimeField(_("ngày trả lại"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    returned_by = account_ref()

    class Meta:
        ordering = ["self_review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["self_review", "number"], name="self_review_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.self_review} – lần {self.number}"


class CollectiveReport(InUnitReview):
    """The cell's (or committee's) own review report as an organisation: Mẫu 01 in 2025, the cell's review
    in earlier years. Drafted by the secretary or a committee member."""

    unit_review = models.OneToOneField(
        UnitReview, verbose_name=_("phần việc của đơn vị"), on_delete=models.CASCADE, related_name="collective_report"
    )
    form_code = models.CharField(_("mẫu"), max_length=4, default="01")
    state, content, proposed_level, general_score, tasks_score = _written_fields()
    submitted_at = models.DateTimeField(_("ngày hoàn thành"), null=True, blank=True)
    updated_by = account_ref()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("báo cáo kiểm điểm tập thể")
        verbose_name_plural = _("báo cáo kiểm điểm tập thể")
