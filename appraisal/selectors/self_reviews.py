"""Reads of the self-review pages: a member's form in a work item (eligibility, variant, last cycle's
shortcomings), what the rule set derives from a form's content, the cell's list, the cell's own report's
structure, the member's home work item. Constant numbers of queries; nothing here writes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member

from ..models import (
    CollectiveReport,
    CycleState,
    Rating,
    ReviewCycle,
    SelfReview,
    SelfReviewState,
    SelfReviewVersion,
    UnitReview,
)
from ..rules import (
    CollectiveFacts,
    CriteriaAssessment,
    FormStructure,
    Grade,
    Level,
    NotRated,
    Outcome,
    RatingMethod,
    ScoreAssessment,
    ScoreConditions,
    Subject,
    format_points,
    parse_points,
)
from .eligibility import MemberRow, cell_eligibility

CONDITION_FIELDS: tuple[tuple[str, str], ...] = (
    ("tasks_total", "Tổng số nhiệm vụ được giao trong năm"),
    ("tasks_done", "Số nhiệm vụ đã hoàn thành"),
    ("tasks_on_time", "Số nhiệm vụ hoàn thành đúng tiến độ"),
    ("tasks_exceeding", "Số nhiệm vụ hoàn thành vượt mức"),
    ("shortcomings_total", "Số hạn chế, khuyết điểm được chỉ ra ở kỳ trước"),
    ("shortcomings_fixed", "Số hạn chế, khuyết điểm đã khắc phục"),
)
FILED = (SelfReviewState.SUBMITTED, SelfReviewState.RESUBMITTED)

# -- what the rule set derives from a form ------------------------------------------------------------------


@dataclass
class Assessment:
    """What the rule set derives from a form's content: the highest level allowed and why, or what is missing."""

    outcome: Outcome | None = None
    errors: list[str] = field(default_factory=list)
    general: Decimal | None = None
    tasks: Decimal | None = None
    not_rated_reason: str = ""

    @property
    def total(self) -> Decimal | None:
        if self.general is None or self.tasks is None:
            return None
        return self.general + self.tasks

    @property
    def max_level(self) -> Level | None:
        return self.outcome.level if self.outcome is not None else None

    def allowed_levels(self) -> list[Level]:
        """The levels the member may propose: the derived one or a lower one."""
        if self.max_level is None:
            return []
        return [level for level in Level if level.rank >= self.max_level.rank]


def _int_count(value: str, label: str, errors: list[str]) -> int | None:
    if value in ("", None):
        errors.append(_("Chưa nhập «%(label)s».") % {"label": label})
        return None
    try:
        number = parse_points(value, label)
    except ValueError as exc:
        errors.append(str(exc))
        return None
    if number != number.to_integral() or number < 0:
        errors.append(_("«%(label)s» phải là số nguyên không âm.") % {"label": label})
        return None
    return int(number)


def score_totals(structure: FormStructure, scores: dict, errors: list[str]) -> tuple[Decimal | None, Decimal | None]:
    """The two groups' totals from the points typed per item; refuses out-of-range points naming the group and
    its maximum."""
    totals: list[Decimal | None] = []
    for group in structure.score_groups:
        total: Decimal | None = Decimal(0)
        for item in group.items:
            typed = (scores or {}).get(item.code, "")
            where = group.heading if len(group.items) == 1 else f"{group.heading}, tiêu chí «{item.heading}»"
            if typed == "":
                errors.append(_("%(where)s: chưa chấm điểm.") % {"where": where})
                total = None
                continue
            try:
                points = parse_points(typed, where)
            except ValueError as exc:
                errors.append(str(exc))
                total = None
                continue
            if not 0 <= points <= item.max_points:
                errors.append(
                    _("%(where)s: điểm phải từ 0 đến %(max)s (tối đa %(max)s điểm), nhận được %(got)s.")
                    % {"where": where, "max": format_points(item.max_points), "got": format_points(points)}
                )
                total = None
            elif total is not None:
                total += points
        if total is not None and total > group.max_points:
            errors.append(
                _("%(group)s: tổng điểm tối đa %(max)s, nhận được %(got)s.")
                % {"group": group.heading, "max": format_points(group.max_points), "got": format_points(total)}
            )
            total = None
        totals.append(total)
    return (totals[0], totals[1]) if len(totals) == 2 else (None, None)


def assess(
    structure: FormStructure, content: dict, *, rules, period, facts=None, collective: bool = False
) -> Assessment:
    """Ask the rule set for the highest level the content allows (with the subject's caps)."""
    result = Assessment()
    subject_facts = CollectiveFacts() if collective else facts
    if structure.method == RatingMethod.CRITERIA.value:
        grades = content.get("grades") or {}
        missing = [c for c in structure.graded_criteria if c.code not in grades]
        for criterion in missing:
            result.errors.append(_("Chưa tự đánh giá tiêu chí «%(title)s».") % {"title": criterion.title[:80].rstrip()})
        if missing:
            return result
        task = structure.task_result_criterion
        assert task is not None  # every criteria-method structure names its task-result criterion
        others = tuple(Grade(grades[c.code]) for c in structure.graded_criteria if c is not task)
        assessment: CriteriaAssessment | ScoreAssessment = CriteriaAssessment(
            task_result=Grade(grades[task.code]), others=others
        )
    else:
        general, tasks = score_totals(structure, content.get("scores") or {}, result.errors)
        result.general, result.tasks = general, tasks
        if collective:
            conditions = ScoreConditions(0, 0, 0)
        else:
            typed = content.get("conditions") or {}
            counts = {name: _int_count(typed.get(name, ""), label, result.errors) for name, label in CONDITION_FIELDS}
            conditions = None
            typed_counts = {name: count for name, count in counts.items() if count is not None}
            if len(typed_counts) == len(counts):
                try:
                    conditions = ScoreConditions(**typed_counts)
                except ValueError as exc:
                    result.errors.append(str(exc))
        if result.errors or general is None or tasks is None or conditions is None:
            return result
        assessment = ScoreAssessment(general, tasks, conditions)
    try:
        result.outcome = rules.rate(subject_facts, period, assessment)
    except NotRated as exc:
        result.not_rated_reason = str(exc)
    except ValueError as exc:
        result.errors.append(str(exc))
    return result


# -- finding the member's form ---------------------------------------------------------------------------------


@dataclass
class MemberForm:
    """Everything the self-review page needs about one member in one work item."""

    unit_review: UnitReview
    member: Member
    row: MemberRow | None  # None: the member is not rated here (left, guest, or not in the cell)
    self_review: SelfReview | None
    structure: FormStructure | None
    shortcomings: list[str]

    @property
    def cycle(self) -> ReviewCycle:
        return self.unit_review.cycle

    @property
    def reviews(self) -> bool:
        return self.row is not None and self.row.eligibility.reviews

    @property
    def not_reviewed_reason(self) -> str:
        if self.row is None:
            return _("Đồng chí không sinh hoạt chính thức tại %(unit)s đến cuối kỳ đánh giá.") % {
                "unit": self.unit_review.unit.name
            }
        return self.row.eligibility.reason

    @property
    def content(self) -> dict:
        return self.self_review.content if self.self_review is not None else {}

    @property
    def state(self) -> str:
        return self.self_review.state if self.self_review is not None else ""

    def deadline_passed(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        due = self.cycle.self_review_due
        if due is None or today <= due:
            return False
        reopened = self.self_review.reopened_until if self.self_review is not None else None
        return reopened is None or today > reopened

    def assessment(self) -> Assessment:
        assert self.structure is not None and self.row is not None
        return assess(
            self.structure, self.content, rules=self.cycle.rules(), period=self.cycle.period, facts=self.row.facts
        )


def split_shortcomings(text: str) -> list[str]:
    """One shortcoming per non-empty line, without its bullet or number ("- ", "•", "1.", "a)")."""
    items = []
    for line in (text or "").splitlines():
        line = re.sub(r"^\s*(?:[-•*+–]|\d+[.)]|[a-zđ][.)])\s*", "", line).strip()
        if line:
            items.append(line)
    return items


def previous_shortcomings(member: Member, cycle: ReviewCycle) -> list[str]:
    """The shortcomings the member's cell recorded for them in the latest earlier cycle (the meeting's
    ``Rating.shortcomings``); none when nothing was recorded."""
    rating = (
        Rating.objects.filter(member=member, subject=Subject.MEMBER, unit_review__cycle__end_date__lt=cycle.start_date)
        .exclude(shortcomings="")
        .order_by("-unit_review__cycle__end_date")
        .only("shortcomings")
        .first()
    )
    return split_shortcomings(rating.shortcomings) if rating is not None else []


def member_form(unit_review: UnitReview, member: Member) -> MemberForm:
    """The member's form in this work item: eligibility by the cycle's rule set, the structure of their
    variant (with the cycle's 2025 criteria), their self-review if started, last cycle's shortcomings."""
    cycle = unit_review.cycle
    eligibility = cell_eligibility(unit_review.unit, cycle)
    row = next((r for r in eligibility.rows if r.member.pk == member.pk), None)
    self_review = SelfReview.objects.filter(unit_review=unit_review, member=member).first()
    structure = None
    if row is not None and row.eligibility.reviews:
        if self_review is not None:
            structure = started_structure(cycle, self_review)
        else:
            rules = cycle.rules()
            groups = cycle.score_groups() if rules.method is RatingMethod.SCORE_100 else None
            structure = rules.member_form(row.facts, score_groups=groups)
    return MemberForm(
        unit_review=unit_review,
        member=member,
        row=row,
        self_review=self_review,
        structure=structure,
        shortcomings=previous_shortcomings(member, cycle),
    )


def started_structure(cycle: ReviewCycle, self_review: SelfReview) -> FormStructure:
    """The structure of a started self-review: its own variant (kept from its first save), no query."""
    rules = cycle.rules()
    groups = cycle.score_groups() if rules.method is RatingMethod.SCORE_100 else None
    return rules.form_structure(
        rules.variant_for_code(self_review.form_code), leader=self_review.leader, score_groups=groups
    )


def posted_structure(unit_review: UnitReview, member: Member, self_review: SelfReview | None) -> FormStructure | None:
    """The structure a member's posted form is read by: their self-review's once started (no query), else the
    one their facts give (None: they do not review here; the service says why)."""
    if self_review is not None:
        return started_structure(unit_review.cycle, self_review)
    return member_form(unit_review, member).structure


def self_review_versions(review: SelfReview | None) -> list[SelfReviewVersion]:
    """Every submission of a self-review, first first (one query)."""
    return list(review.versions.all()) if review is not None else []


@dataclass
class HistoryRow:
    """One cycle of the member's history: the work item, their self-review and rating (either may be missing)."""

    unit_review: UnitReview
    review: SelfReview | None
    rating: Rating | None

    @property
    def final(self) -> str:
        return str(Level(self.rating.decided_level).label) if self.rating and self.rating.decided_level else ""

    @property
    def self_level(self) -> str:
        return str(Level(self.review.proposed_level).label) if self.review and self.review.proposed_level else ""

    @property
    def state(self) -> str:
        return str(SelfReviewState(self.review.state).label) if self.review else ""


def self_review_history(member: Member) -> list[HistoryRow]:
    """The member's self-reviews and final ratings, newest cycle first (two queries)."""
    reviews = list(
        SelfReview.objects.filter(member=member)
        .select_related("unit_review__cycle", "unit_review__unit")
        .order_by("-unit_review__cycle__end_date")
    )
    ratings = {
        r.unit_review_id: r
        for r in Rating.objects.filter(member=member, subject=Subject.MEMBER).select_related("unit_review__cycle")
    }
    history = [HistoryRow(review.unit_review, review, ratings.get(review.unit_review_id)) for review in reviews]
    seen = {review.unit_review_id for review in reviews}
    history += [HistoryRow(r.unit_review, None, r) for ur_id, r in ratings.items() if ur_id not in seen]
    history.sort(key=lambda row: row.unit_review.cycle.end_date, reverse=True)
    return history


def current_unit_review(member: Member) -> UnitReview | None:
    """The work item of the member's current cell in the newest open cycle that governs it."""
    membership = member.memberships.official().current().select_related("unit").order_by("-start_date").first()
    if membership is None:
        return None
    return (
        UnitReview.objects.filter(unit=membership.unit, cycle__state=CycleState.OPEN)
        .select_related("cycle", "cycle__issuing_unit", "unit")
        .order_by("-cycle__end_date")
        .first()
    )


# -- the cell's list -------------------------------------------------------------------------------------------


@dataclass
class CellRow:
    """One line of the secretary's view."""

    row: MemberRow
    self_review: SelfReview | None

    @property
    def member(self) -> Member:
        return self.row.member

    @property
    def required(self) -> bool:
        return self.row.eligibility.reviews

    @property
    def state(self) -> str:
        return self.self_review.state if self.self_review is not None else "not_started"

    @property
    def state_label(self) -> str:
        if self.self_review is None:
            return _("Chưa bắt đầu")
        return str(SelfReviewState(self.self_review.state).label)

    @property
    def filed(self) -> bool:
        return self.self_review is not None and self.self_review.state in FILED


@dataclass
class CellSelfReviews:
    unit_review: UnitReview
    rows: list[CellRow]
    late: bool  # the deadline has passed

    @property
    def required(self) -> list[CellRow]:
        return [r for r in self.rows if r.required]

    @property
    def exempt(self) -> list[CellRow]:
        return [r for r in self.rows if not r.required]

    @property
    def not_filed(self) -> list[CellRow]:
        return [r for r in self.required if not r.filed]

    def counts(self) -> list[tuple[str, int]]:
        labels = [("not_started", _("Chưa bắt đầu"))] + [(s.value, str(s.label)) for s in SelfReviewState]
        return [(label, sum(1 for r in self.required if r.state == value)) for value, label in labels]


def cell_self_reviews(unit_review: UnitReview) -> CellSelfReviews:
    """Every member of the cell with the state of their self-review; a constant number of queries."""
    eligibility = cell_eligibility(unit_review.unit, unit_review.cycle)
    reviews = {r.member_id: r for r in SelfReview.objects.filter(unit_review=unit_review)}
    due = unit_review.cycle.self_review_due
    return CellSelfReviews(
        unit_review=unit_review,
        rows=[CellRow(row, reviews.get(row.member.pk)) for row in eligibility.rows],
        late=due is not None and timezone.localdate() > due,
    )


# -- the collective's report -----------------------------------------------------------------------------------


def collective_structure(unit_review: UnitReview) -> FormStructure:
    return unit_review.cycle.rules().collective_form_structure()


def collective_report_of(unit_review: UnitReview) -> CollectiveReport | None:
    """The cell's own report, if started (no query when the work item was read with it, as
    ``access.get_review_or_deny`` does)."""
    try:
        return unit_review.collective_report
    except CollectiveReport.DoesNotExist:
        return None


def collective_assessment(unit_review: UnitReview, content: dict) -> Assessment:
    return assess(
        collective_structure(unit_review),
        content,
        rules=unit_review.cycle.rules(),
        period=unit_review.cycle.period,
        collective=True,
    )
