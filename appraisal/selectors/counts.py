"""Counts of a cycle's progress and levels, in the database, for the committee's dashboard and for the
documents that summarise them (summary report, statistics). Every function takes a fixed number of queries
whatever the number of cells and members: rows are grouped by the unit directly under the one shown
(``Substr`` of the materialised path), so a ward sees its cells and a city its wards' totals.

- ``level_counts(root_id, unit)``: proposed and decided levels, for people (members, leading individuals) and
  for organisations (and collectives), over ``unit``'s subtree — the numbers a summary report prints;
- ``dashboard(cycle, unit)``: per branch, the work items' states, self-reviews submitted of members expected,
  meetings held, level counts and what is late against the governing cycle's deadlines.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from members.models import Membership, MembershipKind, UnitMemberCount
from party_units.models import PATH_STEP, PartyUnit

from ..models import Rating as RatingModel
from ..models import ReviewCycle, UnitReview, UnitReviewState
from ..models.cycles import DeadlineRow, deadline_rows
from ..models.tallies import COUNTERS, level_counter
from ..rules import Level, Subject, format_percent

LEVELS = [level.value for level in Level]
PERSON_SUBJECTS = (Subject.MEMBER.value, Subject.LEADING_INDIVIDUAL.value)
PROPOSED_STATES = (UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED, UnitReviewState.APPROVED)
WAITING_FOR_CELL = (UnitReviewState.NOT_STARTED, UnitReviewState.IN_PROGRESS, UnitReviewState.RETURNED)
WAITING_FOR_DECISION = (UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED)
PEOPLE, ORGANISATIONS = "people", "organisations"


@dataclass
class LevelCounts:
    """Proposed (units that submitted) and decided (approved units) counts per level, for one kind of subject."""

    proposed: Counter = field(default_factory=Counter)
    decided: Counter = field(default_factory=Counter)

    def add(self, other: LevelCounts) -> None:
        self.proposed.update(other.proposed)
        self.decided.update(other.decided)

    @property
    def proposed_total(self) -> int:
        return sum(self.proposed.values())

    @property
    def decided_total(self) -> int:
        return sum(self.decided.values())

    def rows(self) -> list[dict]:
        """Per level: label, counts and percentages (of those proposed / decided), as reports write them."""
        rows = []
        for level in Level:
            p, d = self.proposed[level.value], self.decided[level.value]
            rows.append(
                {
                    "level": level,
                    "proposed": p,
                    "decided": d,
                    "proposed_pct": _pct(p, self.proposed_total),
                    "decided_pct": _pct(d, self.decided_total),
                }
            )
        return rows


def _pct(part: int, whole: int) -> str:
    return format_percent(Decimal(part) / Decimal(whole)) if whole else "—"


def _branch(unit: PartyUnit, field_path: str):
    return Substr(field_path, 1, len(unit.path) + PATH_STEP)


def _level_aggregates() -> dict:
    proposed = Q(unit_review__state__in=PROPOSED_STATES)
    decided = Q(unit_review__state=UnitReviewState.APPROVED)
    aggregates = {}
    for level in LEVELS:
        aggregates[f"p_{level}"] = Count("id", filter=proposed & Q(proposed_level=level))
        aggregates[f"d_{level}"] = Count("id", filter=decided & Q(decided_level=level))
    return aggregates


def _kind():
    return Case(
        When(subject__in=PERSON_SUBJECTS, then=Value(PEOPLE)), default=Value(ORGANISATIONS), output_field=CharField()
    )


def _rows_to_counts(row: dict) -> LevelCounts:
    counts = LevelCounts()
    for level in LEVELS:
        counts.proposed[level] = row[f"p_{level}"]
        counts.decided[level] = row[f"d_{level}"]
    return counts


def level_counts(root_id: int, unit: PartyUnit) -> dict[str, LevelCounts]:
    """``{"people": …, "organisations": …}`` over ``unit``'s subtree in the cascade ``root_id`` (one query)."""
    totals = {PEOPLE: LevelCounts(), ORGANISATIONS: LevelCounts()}
    rows = (
        RatingModel.objects.filter(unit_review__root_id=root_id, unit_review__unit__path__startswith=unit.path)
        .annotate(kind=_kind())
        .values("kind")
        .annotate(**_level_aggregates())
        .order_by()
    )
    for row in rows:
        totals[row["kind"]].add(_rows_to_counts(row))
    return totals


@dataclass
class Late:
    self_reviews: bool = False
    meeting: bool = False
    proposals: int = 0  # units that have not submitted after the deadline
    decisions: int = 0  # units waiting for the committee after the deadline
    missing_at_report: int = 0  # units without approved results when the report upwards is due

    @property
    def any(self) -> bool:
        return bool(self.self_reviews or self.meeting or self.proposals or self.decisions or self.missing_at_report)


@dataclass
class Row:
    """A unit directly under the one shown (or that unit itself): its work items' states and counts."""

    unit: PartyUnit
    is_self: bool = False
    states: Counter = field(default_factory=Counter)
    review: UnitReview | None = None  # the unit's own work item (a cell's, or the committee's own)
    self_reviews_done: int = 0
    members_expected: int = 0
    meetings_held: int = 0
    levels: dict[str, LevelCounts] = field(
        default_factory=lambda: {PEOPLE: LevelCounts(), ORGANISATIONS: LevelCounts()}
    )
    late: Late = field(default_factory=Late)

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def single(self) -> bool:
        """A cell (or the committee's own line): one work item, shown by its state."""
        return self.is_self or self.unit.is_cell

    def state_counts(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.states[s.value]) for s in UnitReviewState if self.states[s.value]]


@dataclass
class Dashboard:
    cycle: ReviewCycle  # the cycle that governs the unit shown (its deadlines apply)
    unit: PartyUnit
    rows: list[Row]
    states: Counter
    levels: dict[str, LevelCounts]
    today: datetime.date

    @property
    def total(self) -> int:
        return sum(self.states.values())

    def state_counts(self) -> list[tuple[str, str, int, str]]:
        total = self.total
        return [(s.value, s.label, self.states[s.value], _pct(self.states[s.value], total)) for s in UnitReviewState]

    @property
    def late_units(self) -> int:
        return sum(row.late.missing_at_report for row in self.rows)

    @property
    def deadlines(self) -> list[DeadlineRow]:
        """The governing cycle's deadlines, each with the number of work items under the unit that missed it."""
        return deadline_rows(self.cycle, self.today, self.states)


def _by_branch(unit: PartyUnit, inner, *, via: str, keys: tuple[str, ...] = (), sums: dict[str, str]) -> list[dict]:
    """Two-phase grouping: ``inner`` counts per work item (``via="unit_review_id"``) or per unit
    (``via="unit_id"``) in the database; this adds those counts up per branch of ``unit``. Grouping a few
    thousand per-item rows by a path prefix instead of every member's row halves the time of the province and
    national dashboards (docs/performance.md)."""
    sql, params = inner.query.sql_with_params()
    width = len(unit.path) + PATH_STEP
    join = (
        "JOIN appraisal_unitreview ur ON ur.id = x.unit_review_id JOIN party_units_partyunit u ON u.id = ur.unit_id"
        if via == "unit_review_id"
        else "JOIN party_units_partyunit u ON u.id = x.unit_id"
    )
    group = "".join(f", x.{key}" for key in keys)
    totals = ", ".join(sums.values())  # SQL over x (the per-item rows) and, via work items, ur
    query = f"SELECT SUBSTR(u.path, 1, {width}){group}, {totals} FROM ({sql}) x {join} GROUP BY 1{group}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [
            {
                "branch": row[0],
                **dict(zip(keys, row[1 : 1 + len(keys)], strict=True)),
                **{name: int(value or 0) for name, value in zip(sums, row[1 + len(keys) :], strict=True)},
            }
            for row in cursor.fetchall()
        ]


N = {"n": "SUM(x.n)"}


def _stored_levels(row: dict) -> dict[str, LevelCounts]:
    """The level counts of a group of work items in one state from their counters: proposals count once the
    unit has sent them, decisions once approved (as ``_level_aggregates`` counts the ratings)."""
    proposed = row["state"] in PROPOSED_STATES
    decided = row["state"] == UnitReviewState.APPROVED
    levels = {}
    for kind in (PEOPLE, ORGANISATIONS):
        counts = levels[kind] = LevelCounts()
        for level in LEVELS:
            counts.proposed[level] = row[level_counter("proposed", kind, level)] if proposed else 0
            counts.decided[level] = row[level_counter("decided", kind, level)] if decided else 0
    return levels


def members_at(unit: PartyUnit, day: datetime.date):
    """Per cell of ``unit``'s subtree, its official members on ``day`` — memberships open that day — as
    rows (``unit_id``, ``n``) to add up: each cell's stored count of open memberships
    (``members.UnitMemberCount``), less those opened after ``day``, plus those open that day and closed
    since. For a cycle ending today or later both corrections are (nearly) empty; for a past cycle they are
    the year's arrivals and departures since, found by two partial indexes (members' migration 0005)."""
    cells = PartyUnit.objects.filter(path__startswith=unit.path, kind="cell")
    official = Membership.objects.filter(unit_id__in=cells.values("id"), kind=MembershipKind.OFFICIAL).order_by()
    stored = UnitMemberCount.objects.filter(unit__in=cells).order_by().values("unit_id", n=F("official_members"))
    opened_after = official.filter(end_date__isnull=True, start_date__gt=day).values("unit_id", n=Value(-1))
    closed_since = official.filter(end_date__gte=day, start_date__lte=day).values("unit_id", n=Value(1))
    return stored.union(opened_after, closed_since, all=True)


ITEM_FIELDS = ("id", "root_id", "cycle_id", "unit_id", "state", "revision")


def _passed(day: datetime.date | None, today: datetime.date) -> bool:
    return day is not None and day < today


def dashboard(cycle: ReviewCycle, unit: PartyUnit, *, today: datetime.date | None = None) -> Dashboard:
    """The progress of ``unit``'s subtree in ``cycle``'s cascade, one row per unit directly under it (four
    queries whatever the number of cells and members)."""
    today = today or timezone.localdate()
    root_id = cycle.root_id_or_self
    children = list(PartyUnit.objects.filter(parent=unit).order_by("path"))
    # The committee's own work item and those of the cells directly under it (their links, states and
    # revisions), by the ids just read: an index lookup, where a subquery for them had PostgreSQL scan every
    # work item. Only the fields the page shows: a ward's sixty full items, each with its cycle joined, took
    # a few ms of CPU to build; the own item's cycle is the one asked for unless the unit issued its own.
    own_and_cells = [unit.pk, *(child.pk for child in children if child.is_cell)]
    items = UnitReview.objects.filter(root_id=root_id, unit_id__in=own_and_cells).order_by()
    items = {review.unit_id: review for review in items.only(*ITEM_FIELDS)}
    own = items.pop(unit.pk, None)
    if own is not None and own.cycle_id == cycle.pk:
        own.cycle = cycle
    governing = own.cycle if own is not None else cycle
    rows: dict[str, Row] = {unit.path: Row(unit=unit, is_self=True, review=own)}
    for child in children:
        rows[child.path] = Row(unit=child, review=items.get(child.pk))
    states: Counter = Counter()
    totals = {PEOPLE: LevelCounts(), ORGANISATIONS: LevelCounts()}
    # The subtree's work items grouped per branch and state, their counts summed: one query over a row per work
    # item, as the counts of its self-reviews, meeting and ratings are kept by the services (UnitReviewCounts).
    per_branch = (
        UnitReview.objects.filter(root_id=root_id, unit__path__startswith=unit.path)
        .annotate(branch=_branch(unit, "unit__path"))
        .values("branch", "state")
        .annotate(n=Count("id"), **{name: Coalesce(Sum(f"counts__{name}"), 0) for name in COUNTERS})
        .order_by()
    )
    for row in per_branch:
        target = rows.get(row["branch"])
        if target is None:
            continue
        states[row["state"]] += row["n"]
        target.meetings_held += row["meetings_held"]
        for kind, counts in _stored_levels(row).items():
            totals[kind].add(counts)
            target.levels[kind].add(counts)
        if target.is_self:
            continue  # the committee's own item is its own line, read below
        target.states[row["state"]] += row["n"]
        target.self_reviews_done += row["filed_self_reviews"]
    if own is not None:
        rows[unit.path].states[own.state] += 1
    for row in _by_branch(unit, members_at(unit, governing.end_date), via="unit_id", sums=N):
        if row["branch"] in rows and row["branch"] != unit.path:
            rows[row["branch"]].members_expected = row["n"]
    for row in rows.values():
        _mark_late(row, governing, today)
    ordered = [rows.pop(unit.path)] + [r for r in rows.values() if r.total or r.unit.is_active]
    if not ordered[0].total:
        ordered = ordered[1:]
    return Dashboard(cycle=governing, unit=unit, rows=ordered, states=states, levels=totals, today=today)


def _mark_late(row: Row, cycle: ReviewCycle, today: datetime.date) -> None:
    late = row.late
    if row.unit.is_cell and not row.is_self:
        late.self_reviews = _passed(cycle.self_review_due, today) and row.self_reviews_done < row.members_expected
        late.meeting = _passed(cycle.meetings_due, today) and not row.meetings_held
    waiting_cell = sum(row.states[s] for s in WAITING_FOR_CELL)
    waiting_decision = sum(row.states[s] for s in WAITING_FOR_DECISION)
    if _passed(cycle.proposals_due, today):
        late.proposals = waiting_cell
    if _passed(cycle.decisions_due, today):
        late.decisions = waiting_decision
    if _passed(cycle.report_due, today):
        late.missing_at_report = row.total - row.states[UnitReviewState.APPROVED]
