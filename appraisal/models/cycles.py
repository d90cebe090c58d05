"""Review cycles and the per-unit work items a cycle opens.

The rules of each regulation live in the pure ``appraisal.rules`` package; a cycle stores only the code of
its rule set and the per-cycle options, and ``ReviewCycle.rules()`` builds the policy object.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.models import account_ref
from party_units.models import InUnit, PartyUnit, nfc

from ..rules import RULE_SETS, RuleSet, UnknownRuleSet, get_rule_set, rule_set_name
from ..rules.facts import Period
from .documents import GuidanceDocument, _is_higher, fmt


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Hằng năm")
    QUARTER = "quarter", _("Hằng quý")
    TERM = "term", _("Giữa nhiệm kỳ, cuối nhiệm kỳ")


class CycleState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    OPEN = "open", _("Đang triển khai")
    CLOSED = "closed", _("Đã kết thúc")


# The phases of a cycle, in the order their deadlines must fall.
DEADLINE_FIELDS: tuple[tuple[str, str], ...] = (
    ("self_review_due", _("Đảng viên nộp bản kiểm điểm")),
    ("meetings_due", _("Tổ chức hội nghị kiểm điểm")),
    ("proposals_due", _("Chi bộ gửi đề nghị xếp loại")),
    ("decisions_due", _("Cấp ủy cấp trên quyết định xếp loại")),
    ("report_due", _("Báo cáo kết quả lên cấp trên")),
)


def quarter_dates(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first_month = 3 * (quarter - 1) + 1
    start = datetime.date(year, first_month, 1)
    next_start = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, first_month + 3, 1)
    return start, next_start - datetime.timedelta(days=1)


class ReviewCycle(models.Model):
    """One committee's review of one period: its rule set, its documents, its deadlines, its scope.

    A lower committee cascades a higher committee's cycle by naming it as ``parent``: the work items of the
    whole cascade belong to the top cycle (``root``) and each item is governed by the most specific cycle.
    """

    title = models.CharField(_("tên kỳ đánh giá"), max_length=300)
    issuing_unit = models.ForeignKey(
        PartyUnit, verbose_name=_("cấp ủy ban hành"), on_delete=models.PROTECT, related_name="review_cycles"
    )
    period_kind = models.CharField(_("loại kỳ"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True, choices=[(q, q) for q in (1, 2, 3, 4)])
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    rule_set = models.CharField(_("bộ quy tắc"), max_length=20)
    rule_options = models.JSONField(_("tùy chọn của bộ quy tắc"), default=dict, blank=True)
    # The 2025 criteria list and points (rules.forms.score_groups_to_data); empty = the rule set's default.
    score_criteria = models.JSONField(_("tiêu chí chấm điểm"), default=dict, blank=True)
    guidance_documents = models.ManyToManyField(
        GuidanceDocument, verbose_name=_("văn bản hướng dẫn"), blank=True, related_name="cycles"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("kỳ đánh giá của cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    root = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False)
    self_review_due = models.DateField(DEADLINE_FIELDS[0][1], null=True, blank=True)
    meetings_due = models.DateField(DEADLINE_FIELDS[1][1], null=True, blank=True)
    proposals_due = models.DateField(DEADLINE_FIELDS[2][1], null=True, blank=True)
    decisions_due = models.DateField(DEADLINE_FIELDS[3][1], null=True, blank=True)
    report_due = models.DateField(DEADLINE_FIELDS[4][1], null=True, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=CycleState.choices, default=CycleState.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = account_ref()
    opened_at = models.DateTimeField(_("ngày mở"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        ordering = ["-start_date", "issuing_unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_unit", "period_kind", "start_date", "end_date"],
                name="cycle_unique_per_period",
                violation_error_message=_("Cấp ủy này đã có kỳ đánh giá cho cùng thời gian."),
            ),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="cycle_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # Every cycle of a cascade knows its top cycle, so one column groups the cascade's work items.
        self.root_id = (self.parent.root_id or self.parent_id) if self.parent_id else None
        super().save(*args, **kwargs)

    @property
    def access_unit(self) -> PartyUnit:
        return self.issuing_unit

    @property
    def root_id_or_self(self) -> int:
        return self.root_id or self.pk

    @property
    def period(self) -> Period:
        return Period(self.start_date, self.end_date)

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.YEAR:
            return _("Năm %(year)s") % {"year": self.year}
        if self.period_kind == PeriodKind.QUARTER:
            return _("Quý %(quarter)s năm %(year)s") % {"quarter": self.quarter, "year": self.year}
        return _("Từ %(start)s đến %(end)s") % {"start": fmt(self.start_date), "end": fmt(self.end_date)}

    @property
    def rule_set_name(self) -> str:
        """The rule set as a user names it ("Hướng dẫn 43-HD/BTCTW (2025)"), never its code."""
        return rule_set_name(self.rule_set)

    @property
    def rule_set_title(self) -> str:
        cls = RULE_SETS.get(self.rule_set)
        return cls.title if cls is not None else self.rule_set

    @property
    def is_draft(self) -> bool:
        return self.state == CycleState.DRAFT

    @property
    def is_open(self) -> bool:
        return self.state == CycleState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == CycleState.CLOSED

    def deadlines(self) -> list[tuple[str, str, datetime.date | None]]:
        return [(name, label, getattr(self, name)) for name, label in DEADLINE_FIELDS]

    def rules(self) -> RuleSet:
        """The cycle's policy object: its rule set with the cycle's options."""
        return get_rule_set(self.rule_set, **(self.rule_options or {}))

    def score_groups(self):
        """The 2025 score groups of this cycle: its own detailed list, or the central 30 + 70 groups."""
        from ..rules import score_groups_from_data

        return score_groups_from_data(self.score_criteria or None)

    def fill_period(self) -> None:
        """Derive the dates of a yearly or quarterly cycle (a term's dates are entered)."""
        if self.period_kind == PeriodKind.YEAR and self.year:
            self.start_date, self.end_date = datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
            self.quarter = None
        elif self.period_kind == PeriodKind.QUARTER and self.year and self.quarter:
            self.start_date, self.end_date = quarter_dates(self.year, self.quarter)
        elif self.period_kind == PeriodKind.TERM:
            self.quarter = None
            if self.end_date:
                self.year = self.end_date.year

    def clean(self) -> None:
        errors: dict[str, list] = {}
        self.title = " ".join(nfc(self.title).split())
        if self.period_kind == PeriodKind.QUARTER and not self.quarter:
            errors.setdefault("quarter", []).append(_("Kỳ đánh giá hằng quý cần chọn quý."))
        if self.period_kind == PeriodKind.TERM and not (self.start_date and self.end_date):
            errors.setdefault("start_date", []).append(
                _("Kỳ đánh giá theo nhiệm kỳ cần nhập ngày bắt đầu và kết thúc.")
            )
        self.fill_period()
        if self.start_date and self.end_date and self.start_date > self.end_date:
            errors.setdefault("end_date", []).append(_("Ngày kết thúc phải sau ngày bắt đầu."))
        rules = None
        if not isinstance(self.rule_options, dict):
            errors.setdefault("rule_options", []).append(_("Tùy chọn của bộ quy tắc phải là một bảng khóa – giá trị."))
        else:
            try:
                rules = self.rules()
            except UnknownRuleSet as exc:
                errors.setdefault("rule_set", []).append(str(exc))
            except (ValueError, TypeError) as exc:
                errors.setdefault("rule_options", []).append(str(exc))
        self._clean_deadlines(errors, rules)
        self._clean_parent(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_deadlines(self, errors: dict, rules: RuleSet | None) -> None:
        previous = None
        for name, label in DEADLINE_FIELDS:
            day = getattr(self, name)
            if day is None:
                continue
            if self.start_date and day < self.start_date:
                errors.setdefault(name, []).append(
                    _("Hạn «%(label)s» (%(day)s) trước ngày bắt đầu kỳ đánh giá (%(start)s).")
                    % {"label": label, "day": fmt(day), "start": fmt(self.start_date)}
                )
            if previous is not None and day < previous[2]:
                errors.setdefault(name, []).append(
                    _("Hạn «%(label)s» (%(day)s) phải sau hạn «%(before)s» (%(before_day)s).")
                    % {"label": label, "day": fmt(day), "before": previous[1], "before_day": fmt(previous[2])}
                )
            previous = (name, label, day)
        timeline = rules.timeline if rules is not None else None
        if timeline is None or self.period_kind != PeriodKind.YEAR or not self.year:
            return
        # 2025 on: every level finishes before 31/12 (units on a special annual cycle by 15/01 next year),
        # and the review files reach the central commission before 01/02.
        finish, special = timeline.finish_by(self.year), timeline.finish_by(self.year, special_cycle=True)
        if self.decisions_due and self.decisions_due > special:
            errors.setdefault("decisions_due", []).append(
                _(
                    "Theo %(guidance)s, các cấp hoàn thành kiểm điểm, xếp loại trước %(finish)s "
                    "(đơn vị có chu kỳ năm đặc thù: trước %(special)s)."
                )
                % {"guidance": rules.guidance, "finish": fmt(finish), "special": fmt(special)}
            )
        files_due = timeline.files_due(self.year)
        if self.report_due and self.report_due > files_due:
            errors.setdefault("report_due", []).append(
                _("Theo %(guidance)s, hồ sơ kiểm điểm gửi về Trung ương trước %(day)s: hạn báo cáo phải sớm hơn.")
                % {"guidance": rules.guidance, "day": fmt(files_due)}
            )

    def _clean_parent(self, errors: dict) -> None:
        if self.parent_id is None:
            return
        parent = self.parent
        if self.pk is not None and parent.pk == self.pk:
            errors.setdefault("parent", []).append(_("Kỳ đánh giá không thể là cấp trên của chính nó."))
            return
        unit = self.issuing_unit if self.issuing_unit_id else None
        if unit is None or not _is_higher(parent.issuing_unit, unit):
            errors.setdefault("parent", []).append(
                _("Kỳ đánh giá cấp trên phải do một cấp ủy cấp trên của đơn vị ban hành (%(unit)s không phải).")
                % {"unit": parent.issuing_unit.name}
            )
        if (parent.start_date, parent.end_date) != (self.start_date, self.end_date):
            errors.setdefault("parent", []).append(
                _("Kỳ đánh giá cấp trên là %(period)s: kỳ triển khai phải cùng thời gian.")
                % {"period": parent.period_label}
            )
        if parent.rule_set != self.rule_set:
            errors.setdefault("rule_set", []).append(
                _("Kỳ đánh giá cấp trên áp dụng %(rules)s: kỳ triển khai phải áp dụng cùng bộ quy tắc.")
                % {"rules": parent.rule_set_name}
            )
        if parent.state == CycleState.CLOSED:
            errors.setdefault("parent", []).append(_("Kỳ đánh giá cấp trên đã kết thúc."))


class UnitReviewState(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa bắt đầu")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    SUBMITTED = "submitted", _("Đã gửi đề nghị")
    RETURNED = "returned", _("Bị trả lại")
    RESUBMITTED = "resubmitted", _("Đã gửi lại")
    APPROVED = "approved", _("Đã phê duyệt")


# The work-item states in which each phase of a cycle is done for a unit: a deadline is missed ("quá hạn") when
# its day has passed and the unit is in none of them. Self-reviews and the meeting come before the proposals, so
# a unit that sent its proposals (even if they came back) has done them; proposals are done once sent and not
# returned; the decision and the report once approved.
_S = UnitReviewState
_MET = frozenset({_S.SUBMITTED, _S.RETURNED, _S.RESUBMITTED, _S.APPROVED})
PHASE_DONE: dict[str, frozenset[str]] = {
    "self_review_due": _MET,
    "meetings_due": _MET,
    "proposals_due": frozenset({_S.SUBMITTED, _S.RESUBMITTED, _S.APPROVED}),
    "decisions_due": frozenset({_S.APPROVED}),
    "report_due": frozenset({_S.APPROVED}),
}


@dataclass(frozen=True)
class DeadlineRow:
    """A phase's deadline as a page shows it, with the number of units that missed it (0: on time or not due)."""

    name: str
    label: str
    day: datetime.date | None
    late: int = 0

    @property
    def overdue(self) -> bool:
        return self.late > 0


def deadline_rows(cycle: ReviewCycle, today: datetime.date, state_counts: Mapping[str, int]) -> list[DeadlineRow]:
    """The cycle's deadlines, each with how many of the units counted in ``state_counts`` (state → number of work
    items) missed it. Only an open cycle has missed deadlines: a draft has no work yet, a closed one is over."""
    rows = []
    for name, label, day in cycle.deadlines():
        late = 0
        if cycle.is_open and day is not None and day < today:
            late = sum(n for state, n in state_counts.items() if state not in PHASE_DONE[name])
        rows.append(DeadlineRow(name, label, day, late))
    return rows


class UnitReview(InUnit):
    """The work of one unit (a cell or a committee) in one review: its meeting, proposals, approval.

    ``root`` is the top cycle of the cascade and keeps one item per unit whatever the depth of the cascade;
    ``cycle`` is the most specific cycle that governs the unit (the ward's cycle rather than the district's).
    """

    root = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(
        ReviewCycle, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE, related_name="unit_reviews"
    )
    unit = models.ForeignKey(PartyUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="reviews")
    state = models.CharField(
        _("tiến độ"), max_length=16, choices=UnitReviewState.choices, default=UnitReviewState.NOT_STARTED
    )
    # Bumped by every service that changes the item's state or its ratings: a form carries the revision it
    # was drawn from, so a second person deciding the same unit gets a conflict instead of overwriting.
    revision = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phần việc của đơn vị")
        verbose_name_plural = _("phần việc của đơn vị")
        ordering = ["unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["root", "unit"], name="unit_review_one_per_cascade"),
            models.UniqueConstraint(fields=["cycle", "unit"], name="unit_review_unique_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.cycle}"

    def deadline_rows(self, today: datetime.date) -> list[DeadlineRow]:
        """The governing cycle's deadlines, each marked when this unit missed it (needs ``cycle`` loaded)."""
        return deadline_rows(self.cycle, today, {self.state: 1})


class InUnitReview(models.Model):
    """Abstract, no fields of its own: a record filed under one unit's work item (its ``unit_review``). The unit's
    roles govern it, and it is named after the work item unless it says otherwise."""

    unit_review: UnitReview

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.unit_review)

    @property
    def access_unit(self) -> PartyUnit:
        return self.unit_review.unit
