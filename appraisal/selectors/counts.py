"""Counts of a cycle's progress and levels, in the database, for the committee's dashboard and for the
documents that summarise them (summary report, statistics). Every function takes a fixed number of queries
whatever the number of cells and members: rows are grouped by the unit directly under the one shown
(``Substr`` of the materialised path), so a ward sees its cells and a city its wards' totals.

- ``level_counts(root_id, unit)``: proposed and decided levels, for people (members, leading individuals) and
  for organisations (and collectives), over ``unit``'s subtree — the numbers a summary report prints;
- ``dashboard(cycle, unit)``: per branch, the work items' states, self-reviews submitted of members expected,
  meetings held, level counts and what is late against the governing cycle's deadlines — from the stored counts
  of the unit's own and its cells' work items and of the committees below (``CommitteeCounts``), so its cost
  follows the rows it shows, not the size of the subtree.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from members.models import Membership, MembershipKind, UnitMemberCount
from party_units.models import PATH_STEP, PartyUnit, UnitKind

from ..models import CommitteeCounts, ReviewCycle, UnitReview, UnitReviewState
from ..models import Rating as RatingModel
from ..models.cycles import DeadlineRow, deadline_rows
from ..models.tallies import COMMITTEE_COUNTERS, COUNTERS, level_counter, state_counter
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
    review: UnitReview | Item | None = None  # the unit's own work item (a cell's ``Item``, or the committee's own)
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


LEVEL_KEYS = [
    (kind, level, level_counter("proposed", kind, level), level_counter("decided", kind, level))
    for kind in (PEOPLE, ORGANISATIONS)
    for level in LEVELS
]


def _stored_levels(row: dict) -> dict[str, LevelCounts]:
    """The level counts of a work item, or of a committee's branch, from their counters (a work item's: proposals
    once its unit has sent them, decisions once approved, as ``_level_aggregates`` counts the ratings; a
    committee's ``CommitteeCounts`` hold them so already)."""
    state = row.get("state")
    proposed = state is None or state in PROPOSED_STATES
    decided = state is None or state == UnitReviewState.APPROVED
    levels = {PEOPLE: LevelCounts(), ORGANISATIONS: LevelCounts()}
    for kind, level, proposed_name, decided_name in LEVEL_KEYS:
        counts = levels[kind]
        counts.proposed[level] = (row[proposed_name] or 0) if proposed else 0
        counts.decided[level] = (row[decided_name] or 0) if decided else 0
    return levels


def members_at(unit: PartyUnit, day: datetime.date, cells: list[int], *, below: bool = True):
    """Per unit directly under ``unit`` (its ``branch``: a cell's path, or a committee's path prefix), its
    official members on ``day`` — memberships open that day — as rows (``branch``, ``n``) to add up: the stored
    count of each of the ``cells`` directly under it (``members.UnitMemberCount``), each committee's stored count
    of its cells' members (``children_members``: one row per committee of the subtree, not per cell), less those
    opened after ``day``, plus those open that day and closed since. For a cycle ending today or later both
    corrections are (nearly) empty; for a past cycle they are the year's arrivals and departures since, found by
    two partial indexes (members' migration 0005)."""
    branch = _branch(unit, "unit__path")
    committees = (
        UnitMemberCount.objects.filter(
            children_members__gt=0, unit__path__startswith=unit.path, unit__kind=UnitKind.COMMITTEE
        )
        .exclude(unit_id=unit.pk)
        .order_by()
        .values(branch=branch, n=F("children_members"))
    )
    stored = UnitMemberCount.objects.filter(unit_id__in=cells).order_by().values(branch=branch, n=F("official_members"))
    official = Membership.objects.filter(
        unit__path__startswith=unit.path, unit__kind=UnitKind.CELL, kind=MembershipKind.OFFICIAL
    ).order_by()
    opened_after = official.filter(end_date__isnull=True, start_date__gt=day).values(branch=branch, n=Value(-1))
    closed_since = official.filter(end_date__gte=day, start_date__lte=day).values(branch=branch, n=Value(1))
    parts = (committees, opened_after, closed_since) if below else (opened_after, closed_since)
    return stored.union(*parts, all=True)


ITEM_FIELDS = ("id", "root_id", "cycle_id", "unit_id", "state", "revision")
CHILD_FIELDS = ("id", "name", "path", "kind", "is_active", "parent_id")


def _passed(day: datetime.date | None, today: datetime.date) -> bool:
    return day is not None and day < today


@dataclass
class Item:
    """A cell's work item as the dashboard shows it (its link, state and revision), read as plain values."""

    pk: int
    root_id: int
    cycle_id: int
    unit_id: int
    state: str
    revision: int


LEVEL_NAMES = [
    level_counter(stage, kind, level)
    for stage in ("proposed", "decided")
    for kind in (PEOPLE, ORGANISATIONS)
    for level in LEVELS
]


def _take(target: Row, counted: dict, sums: Counter, *, self_reviews: bool = True) -> None:
    """A row's counts from one set of counters (its work item's, or its branch's committees' summed), which are
    also added to the page's totals (``sums``)."""
    target.meetings_held += counted["meetings_held"]
    if self_reviews:
        target.self_reviews_done += counted["filed_self_reviews"]
    target.levels = levels = _stored_levels(counted)
    for kind, level, proposed, decided in LEVEL_KEYS:
        found = levels[kind]
        sums[proposed] += found.proposed[level]
        sums[decided] += found.decided[level]


def dashboard(cycle: ReviewCycle, unit: PartyUnit, *, today: datetime.date | None = None) -> Dashboard:
    """The progress of ``unit``'s subtree in ``cycle``'s cascade, one row per unit directly under it, in four
    queries whatever the size of the subtree, each read by index for that subtree only: the units directly under
    it; the committee's own work item and those of its cells, with their stored counts (``UnitReviewCounts``);
    the committees of each branch below, their stored counts (``CommitteeCounts``: one row per committee, not
    per work item) added up per branch; the members expected (``members_at``)."""
    today = today or timezone.localdate()
    root_id = cycle.root_id_or_self
    children = list(PartyUnit.objects.filter(parent=unit).only(*CHILD_FIELDS).order_by("path"))
    # The committee's own work item and those of the cells directly under it (their links, states, revisions and
    # counts), by the ids just read: an index lookup, read as values (no model per cell). The own item is a
    # model (its cycle governs the page): the one asked for unless the unit issued its own.
    cells = [child.pk for child in children if child.is_cell]
    items = UnitReview.objects.filter(root_id=root_id, unit_id__in=[unit.pk, *cells]).order_by()
    found = {
        values[3]: (Item(*values[: len(ITEM_FIELDS)]), dict(zip(COUNTERS, values[len(ITEM_FIELDS) :], strict=True)))
        for values in items.values_list(*ITEM_FIELDS, *(f"counts__{name}" for name in COUNTERS))
    }
    own = None
    if unit.pk in found:
        own = UnitReview(**{name: getattr(found[unit.pk][0], "pk" if name == "id" else name) for name in ITEM_FIELDS})
        own.cycle = cycle if own.cycle_id == cycle.pk else ReviewCycle.objects.get(pk=own.cycle_id)
    governing = own.cycle if own is not None else cycle
    rows: dict[str, Row] = {unit.path: Row(unit=unit, is_self=True, review=own)}
    for child in children:
        rows[child.path] = Row(unit=child, review=found[child.pk][0] if child.pk in found else None)
    states: Counter = Counter()
    sums: Counter = Counter()
    for target in rows.values():  # the own item and the cells': their stored counts
        if target.review is None:
            continue
        item, stored = found[target.unit.pk]
        counted = {name: n or 0 for name, n in stored.items()} | {"state": item.state}
        target.states[item.state] += 1
        states[item.state] += 1
        _take(target, counted, sums, self_reviews=not target.is_self)
    # The branches below: each committee's stored counts (its own work item and its cells') added up per
    # branch, in the database — a province reads its few hundred committees' rows, never its cells' items.
    if len(cells) < len(children):
        per_branch = (
            CommitteeCounts.objects.filter(
                root_id=root_id, unit__path__startswith=unit.path, unit__kind=UnitKind.COMMITTEE
            )
            .exclude(unit_id=unit.pk)
            .annotate(branch=_branch(unit, "unit__path"))
            .values("branch")
            .annotate(**{name: Sum(name) for name in COMMITTEE_COUNTERS})
            .order_by()
        )
        for summed in cast("Iterable[dict[str, Any]]", per_branch):  # keys made by the annotation above
            branch_row = rows.get(summed["branch"])
            if branch_row is None:
                continue
            for state in UnitReviewState:
                n = summed[state_counter(state.value)] or 0
                if n:
                    branch_row.states[state.value] += n
                    states[state.value] += n
            _take(branch_row, summed, sums)
    for at_end in members_at(unit, governing.end_date, cells, below=len(cells) < len(children)):
        expected = rows.get(at_end["branch"])
        if expected is not None and not expected.is_self:
            expected.members_expected += at_end["n"]
    for row in rows.values():
        _mark_late(row, governing, today)
    ordered = [rows.pop(unit.path)] + [r for r in rows.values() if r.total or r.unit.is_active]
    if not ordered[0].total:
        ordered = ordered[1:]
    totals = _stored_levels({name: sums[name] for name in LEVEL_NAMES})
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
