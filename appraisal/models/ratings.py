"""One subject's rating in one cycle, every stage side by side (RULES.md "The procedure"):

- the level the subject proposed for itself (a member's self-review, the collective's report);
- the cell's proposal at its meeting, with the comments, the shortcomings to remedy and the vote tally;
- the superior committee's decision, with the reason for any difference and any quota exception.

Subjects (``rules.Subject``): a member, an organisation (a cell, a ward committee…), a leadership
collective, a leading individual. ``unit_review`` is the work item of the unit whose meeting proposes the
rating (a member's cell; for a ward's own rating, the ward's work item).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.models import account_ref
from members.models import Member
from party_units.models import PartyUnit

from ..rules import Subject
from .cycles import InUnitReview, UnitReview
from .self_reviews import LEVEL_CHOICES

SUBJECT_CHOICES = [(subject.value, subject.label) for subject in Subject]
PERSON_SUBJECTS = (Subject.MEMBER.value, Subject.LEADING_INDIVIDUAL.value)


class Rating(InUnitReview):
    unit_review = models.ForeignKey(
        UnitReview, verbose_name=_("phần việc của đơn vị"), on_delete=models.CASCADE, related_name="ratings"
    )
    subject = models.CharField(_("đối tượng"), max_length=24, choices=SUBJECT_CHOICES)
    member = models.ForeignKey(
        Member, verbose_name=_("đảng viên"), null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    unit = models.ForeignKey(
        PartyUnit, verbose_name=_("tổ chức"), null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    # Stage 1: the subject's own proposal (copied from the submitted self-review or collective report).
    self_level = models.CharField(_("tự đề xuất"), max_length=8, choices=LEVEL_CHOICES, blank=True)
    # Stage 2: the meeting.
    comments = models.TextField(_("ý kiến góp ý, phê bình"), blank=True)
    shortcomings = models.TextField(_("hạn chế, khuyết điểm cần khắc phục"), blank=True)
    votes = models.JSONField(_("kết quả biểu quyết"), default=dict, blank=True)  # {level value: count}
    proposed_level = models.CharField(_("chi bộ đề nghị"), max_length=8, choices=LEVEL_CHOICES, blank=True)
    proposal_ground = models.TextField(_("căn cứ đề nghị ngoại lệ"), blank=True)
    # The 100-point method (2025): the points and task counts the meeting agreed on, when entered —
    # {"general", "tasks", "tasks_total", "tasks_done", "tasks_on_time", "tasks_exceeding",
    #  "shortcomings_total", "shortcomings_fixed"}; they bound the proposal through the hard conditions.
    assessment = models.JSONField(_("điểm và điều kiện"), default=dict, blank=True)
    # Stage 3: the superior committee's decision.
    decided_level = models.CharField(_("cấp ủy quyết định"), max_length=8, choices=LEVEL_CHOICES, blank=True)
    decision_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    quota_exception_reason = models.TextField(_("lý do vượt tỷ lệ"), blank=True)
    decided_by = account_ref()
    decided_at = models.DateTimeField(_("ngày quyết định"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("xếp loại")
        verbose_name_plural = _("xếp loại")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject__in=PERSON_SUBJECTS, member__isnull=False, unit__isnull=True)
                    | (~Q(subject__in=PERSON_SUBJECTS) & Q(member__isnull=True, unit__isnull=False))
                ),
                name="rating_subject_person_or_unit",
            ),
            models.UniqueConstraint(
                fields=["unit_review", "subject", "member"],
                condition=Q(member__isnull=False),
                name="rating_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["unit_review", "subject", "unit"],
                condition=Q(unit__isnull=False),
                name="rating_one_per_unit",
            ),
        ]
        indexes = [models.Index(fields=["unit_review", "subject"], name="rating_review_subject_idx")]

    def __str__(self) -> str:
        who = self.member if self.member_id else self.unit
        return f"{Subject(self.subject).label}: {who}"

    @property
    def owner_user_id(self) -> int | None:
        return self.member.user_id if self.member_id else None

    @property
    def final_level(self) -> str:
        return self.decided_level or ""


class RoundOutcome(models.TextChoices):
    PENDING = "pending", _("Chờ cấp trên xem xét")
    WITHDRAWN = "withdrawn", _("Chi bộ rút lại")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã phê duyệt")


class ProposalRound(InUnitReview):
    """One submission of a unit's proposals to the superior committee and what became of it, so a return
    and resubmission keep both rounds: what was proposed (a snapshot), who answered, when and why."""

    unit_review = models.ForeignKey(UnitReview, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("lần gửi"))
    proposals = models.JSONField(_("đề nghị đã gửi"), default=list)
    submitted_at = models.DateTimeField(_("ngày gửi"))
    submitted_by = account_ref()
    outcome = models.CharField(_("kết quả"), max_length=10, choices=RoundOutcome.choices, default=RoundOutcome.PENDING)
    outcome_reason = models.TextField(_("lý do"), blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = account_ref()

    class Meta:
        verbose_name = _("lần gửi đề nghị")
        verbose_name_plural = _("lần gửi đề nghị")
        ordering = ["unit_review", "number"]
        constraints = [models.UniqueConstraint(fields=["unit_review", "number"], name="proposal_round_unique")]

    def __str__(self) -> str:
        return f"{self.unit_review} – lần {self.number}"
