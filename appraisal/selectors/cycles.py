"""Reads that the appraisal pages share, each in a constant number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Coalesce, RowNumber, Substr
from django.urls import reverse
from django.utils.formats import get_format

from party_units.access import Access, Perm
from party_units.models import PATH_STEP, PartyUnit, UnitKind

from ..models import PERSON_SUBJECTS, GuidanceDocument, LevelTally, ReviewCycle, UnitReview, UnitReviewState
from ..rules import Level

STATES = list(UnitReviewState)
LEVELS = list(Level)


@dataclass
class Branch:
    """One unit directly under the unit whose progress is shown (or that unit itself), with the state counts
    of every work item in its subtree and the lower cycles issued in it."""

    unit: PartyUnit
    counts: Counter = field(default_factory=Counter)
    cycle: ReviewCycle | None = None  # the lower cycle this unit issued in the cascade, if any
    deeper_cycles: int = 0  # lower cycles issued further down this branch
    is_self: bool = False
    # Set once the counts are complete (``cascade_progress``), so a page of many branches renders plain values:
    link: str = ""  # the unit's part of the cycle
    states: list[tuple[str, int]] = field(default_factory=list)  # (state label, count) of the states present

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def approved(self) -> int:
        return self.counts[UnitReviewState.APPROVED]

    def state_counts(self) -> list[tuple[str, str, int]]:
        return [(state.value, state.label, self.counts[state.value]) for state in STATES if self.counts[state.value]]


@dataclass
class Progress:
    unit: PartyUnit
    branches: list[Branch]
    totals: Counter

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    def state_counts(self) -> list[tuple[str, str, int]]:
        return [(state.value, state.label, self.totals[state.value]) for state in STATES]


def cascade_progress(root_id: int, unit: PartyUnit) -> Progress:
    """The progress of every work item of the cascade ``root_id`` under ``unit``, grouped by the units
    directly under it (path prefix) and by state: three queries whatever the number of units."""
    width = len(unit.path) + PATH_STEP
    grouped = (
        UnitReview.objects.filter(root_id=root_id, unit__path__startswith=unit.path)
        .annotate(branch=Substr("unit__path", 1, width))
        .values("branch", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    branches: dict[str, Branch] = {unit.path: Branch(unit=unit, is_self=True)}
    for child in PartyUnit.objects.filter(parent=unit).order_by("path"):
        branches[child.path] = Branch(unit=child)
    totals: Counter = Counter()
    for row in grouped:
        branch = branches.get(row["branch"])
        if branch is not None:
            branch.counts[row["state"]] += row["n"]
            totals[row["state"]] += row["n"]
    lower = (
        ReviewCycle.objects.filter(Q(pk=root_id) | Q(root_id=root_id), issuing_unit__path__startswith=unit.path)
        .exclude(issuing_unit=unit)
        .select_related("issuing_unit")
    )
    for cycle in lower:
        branch = branches.get(cycle.issuing_unit.path[:width])
        if branch is None:
            continue
        if cycle.issuing_unit_id == branch.unit.pk:
            branch.cycle = cycle
        else:
            branch.deeper_cycles += 1
    ordered = [branches.pop(unit.path)] + [b for b in branches.values() if b.total or b.unit.is_active]
    # Each row's link and state labels ready: one reverse() and one translation per state for the page.
    link_before, link_after = reverse("appraisal:unit_review", args=[root_id, LINK_MARK]).rsplit(str(LINK_MARK), 1)
    labels = {state.value: str(state.label) for state in STATES}
    for branch in ordered:
        branch.link = f"{link_before}{branch.unit.pk}{link_after}"
        branch.states = [(labels[value], count) for value, _label, count in branch.state_counts()]
    return Progress(unit=unit, branches=ordered, totals=totals)


LINK_MARK = 987654321  # stands for the unit's id in a reversed URL


def cycle_documents(cycle: ReviewCycle) -> QuerySet[GuidanceDocument]:
    """The documents of ``cycle`` and of the higher cycles it cascades (one query)."""
    root_id = cycle.root_id_or_self
    chain = ReviewCycle.objects.filter(
        Q(pk=root_id) | Q(root_id=root_id), issuing_unit_id__in=cycle.issuing_unit.ancestor_ids()
    ).values("pk")
    return (
        GuidanceDocument.objects.filter(cycles__in=chain)
        .select_related("issuing_unit", "implements")
        .distinct()
        .order_by("issued_on", "id")
    )


def cycles_issued_by(unit: PartyUnit) -> QuerySet[ReviewCycle]:
    return (
        ReviewCycle.objects.filter(issuing_unit=unit)
        .select_related("issuing_unit", "parent__issuing_unit")
        .order_by("-start_date")
    )


def reviews_of(unit: PartyUnit) -> QuerySet[UnitReview]:
    """The unit's own work items in every cycle that covers it, newest first."""
    return (
        UnitReview.objects.filter(unit=unit)
        .select_related("unit", "cycle__issuing_unit")
        .order_by("-cycle__start_date", "-cycle_id")
    )


def review_for(cycle_pk: int, unit_id: int) -> QuerySet[UnitReview]:
    """ "This unit's item in this cycle", the one meaning every page uses (``appraisal.access``): the work item of
    unit ``unit_id`` in the cascade of cycle ``cycle_pk``, provided that cycle was issued by the unit or by a
    committee above it (a cell's part is found from its ward's cycle or from the city's that the ward cascades,
    never from a sibling ward's). One query, the cascade's root and the issuing unit's path found by subqueries,
    with the unit, the cycle and the cell's meeting and own report (a reverse one-to-one each: ``review.meeting``
    then costs no query, nor does its absence) and the unit's parent (the committee that decides it)."""
    named = ReviewCycle.objects.filter(pk=cycle_pk)
    root = named.values(cascade_root=Coalesce("root_id", "id"))
    issuer_path = named.values("issuing_unit__path")
    return UnitReview.objects.filter(
        root_id=Subquery(root[:1]), unit_id=unit_id, unit__path__startswith=Subquery(issuer_path[:1])
    ).select_related("unit__parent", "cycle__issuing_unit", "cycle__parent", "meeting", "collective_report")


def register(unit: PartyUnit, *, code: str = "", year: int | None = None) -> QuerySet[GuidanceDocument]:
    """The unit's register of documents, searched by code (any part: "163", "CV/ĐU") and year."""
    from ..codes import normalise

    documents = GuidanceDocument.objects.filter(issuing_unit=unit).select_related(
        "issuing_unit", "implements__issuing_unit"
    )
    code = normalise(code).replace(" ", "").upper()
    if code:
        documents = documents.filter(code__icontains=code)
    if year:
        documents = documents.filter(year=year)
    return documents.order_by("-issued_on", "-id")


def higher_documents(unit: PartyUnit) -> QuerySet[GuidanceDocument]:
    """Documents a unit may implement or cite: those of the committees above it and central ones."""
    return (
        GuidanceDocument.objects.filter(Q(issuing_unit_id__in=unit.ancestor_ids()[:-1]) | Q(issuing_unit__isnull=True))
        .select_related("issuing_unit")
        .order_by("-issued_on", "-id")
    )


def reviews_of_any(units: list[PartyUnit]) -> QuerySet[UnitReview]:
    return UnitReview.objects.filter(unit__in=units).order_by("-cycle__start_date", "unit__path")


@dataclass
class CycleIndex:
    """The cycles page: the units the user holds a role on (the tops of their scope), the cycles those units
    issued and those units' work items in cycles issued above them."""

    roots: list[PartyUnit]
    cycles: QuerySet[ReviewCycle]
    reviews: QuerySet[UnitReview]


def cycle_index(access: Access) -> CycleIndex:
    if access.is_superuser:
        roots = PartyUnit.objects.filter(parent__isnull=True)
    else:
        roots = PartyUnit.objects.filter(path__in=access.root_paths(Perm.VIEW))
    tops = list(roots.filter(is_active=True).order_by("path"))
    cycles = (
        ReviewCycle.objects.filter(issuing_unit__in=tops)
        .select_related("issuing_unit")
        .order_by("-start_date", "issuing_unit__path")
    )
    reviews = reviews_of_any(tops).exclude(cycle__issuing_unit__in=tops).select_related("unit", "cycle__issuing_unit")
    return CycleIndex(roots=tops, cycles=cycles, reviews=reviews)


@dataclass
class Unfinished:
    """The work items of one state that are not approved: how many, and the first units by the tree's order."""

    state: str
    label: str
    count: int
    names: list[str] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.names)


def unfinished_units(cycle: ReviewCycle, *, first: int = 5) -> list[Unfinished]:
    """What is not finished in the part of the cascade ``cycle`` governs (its issuer's subtree): the work items
    not approved, by state, with counts and the first ``first`` unit names. One query (window functions)."""
    ranked = (
        UnitReview.objects.filter(root_id=cycle.root_id_or_self, unit__path__startswith=cycle.issuing_unit.path)
        .exclude(state=UnitReviewState.APPROVED)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("state")], order_by=F("unit__path").asc()),
            total=Window(Count("id"), partition_by=[F("state")]),
        )
        .filter(rank__lte=first)
        .order_by("unit__path")
        .values_list("state", "unit__name", "total")
    )
    found: dict[str, Unfinished] = {}
    for state, name, total in ranked:
        entry = found.setdefault(state, Unfinished(state, UnitReviewState(state).label, total))
        entry.names.append(name)
    return [found[state.value] for state in STATES if state.value in found]


def level_rows(counts: Counter) -> list[tuple[int, float]]:
    """(count, percentage of the total) per level, best first."""
    total = sum(counts.values())
    return [(counts[level.value], 100 * counts[level.value] / total if total else 0.0) for level in LEVELS]


class DecidedLevels:
    """Decided levels counted for the members and for the organisations: their totals and rows per level."""

    members: Counter
    organisations: Counter

    @property
    def member_rows(self) -> list[tuple[int, float]]:
        return level_rows(self.members)

    @property
    def organisation_rows(self) -> list[tuple[int, float]]:
        return level_rows(self.organisations)

    @property
    def member_total(self) -> int:
        return sum(self.members.values())

    @property
    def organisation_total(self) -> int:
        return sum(self.organisations.values())


@dataclass
class LevelBranch(DecidedLevels):
    """One unit directly under the unit whose summary is shown (or that unit itself): decided levels of the
    members and of the organisations counted by the committees in its subtree."""

    unit: PartyUnit
    members: Counter = field(default_factory=Counter)
    organisations: Counter = field(default_factory=Counter)
    is_self: bool = False


@dataclass
class LevelSummary(DecidedLevels):
    unit: PartyUnit
    branches: list[LevelBranch]
    members: Counter
    organisations: Counter


def level_summary(root_id: int, unit: PartyUnit) -> LevelSummary:
    """Decided levels (approved work items) of the cascade ``root_id`` under ``unit``, per unit directly under
    it: read from the maintained ``LevelTally`` (a few rows per ward), never from the millions of ratings —
    two queries whatever the size of the subtree."""
    width = len(unit.path) + PATH_STEP
    grouped = (
        # Committees only (a cell decides nothing): the subtree's committees found by their own index, not by
        # reading every unit of a province (the country) for its path.
        LevelTally.objects.filter(
            root_id=root_id, committee__path__startswith=unit.path, committee__kind=UnitKind.COMMITTEE, n__gt=0
        )
        .annotate(branch=Substr("committee__path", 1, width))
        .values("branch", "subject", "level")
        .annotate(n=Sum("n"))
        .order_by()
    )
    branches: dict[str, LevelBranch] = {unit.path: LevelBranch(unit=unit, is_self=True)}
    for child in PartyUnit.objects.filter(parent=unit, kind=UnitKind.COMMITTEE).order_by("path"):
        branches[child.path] = LevelBranch(unit=child)
    members: Counter = Counter()
    organisations: Counter = Counter()
    for row in grouped:
        branch = branches.get(row["branch"])
        is_member = row["subject"] in PERSON_SUBJECTS
        target = (branch.members if is_member else branch.organisations) if branch else None
        if target is not None:
            target[row["level"]] += row["n"]
        (members if is_member else organisations)[row["level"]] += row["n"]
    me = branches.pop(unit.path)
    ordered = ([me] if me.member_total or me.organisation_total else []) + list(branches.values())
    return LevelSummary(unit=unit, branches=ordered, members=members, organisations=organisations)


@dataclass
class SummaryLine:
    """One row of the summary's two tables, its text ready: the name and link, and per level the count and its
    percentage as the page writes it ("12,50")."""

    name: str
    link: str  # "" for the committee's own line
    is_self: bool
    member_total: int
    members: list[tuple[int, str]]
    organisation_total: int
    organisations: list[tuple[int, str]]


@dataclass
class SummaryPage:
    summary: LevelSummary
    lines: list[SummaryLine]
    total: SummaryLine
    version: str  # a digest of everything the lines show: the template keeps them rendered under it


HUNDREDTHS = Decimal("0.01")


def percent_text(pct: float, separator: str) -> str:
    """A percentage from 0 to 100 as ``{{ pct|floatformat:2 }}`` writes it (half up, two decimals, the language's
    separator; no grouping below 1,000), without the filter's general machinery: a province's summary writes
    hundreds of them."""
    return str(Decimal(repr(pct)).quantize(HUNDREDTHS, ROUND_HALF_UP)).replace(".", separator)


def level_summary_page(root_id: int, unit: PartyUnit) -> SummaryPage:
    """``level_summary`` and its rows prepared once for the page: each branch's counts and percentages computed
    once, each distinct percentage formatted once (``floatformat``, as the template wrote it), one ``reverse()``
    for every branch's link."""
    summary = level_summary(root_id, unit)
    before, after = reverse("appraisal:level_summary", args=[root_id, LINK_MARK]).rsplit(str(LINK_MARK), 1)
    shown: dict[float, str] = {}
    separator = get_format("DECIMAL_SEPARATOR")  # the active language's, as floatformat writes it

    def cells(counts: Counter) -> list[tuple[int, str]]:
        found = []
        for n, pct in level_rows(counts):
            if pct not in shown:
                shown[pct] = percent_text(pct, separator)
            found.append((n, shown[pct]))
        return found

    def line(name: str, link: str, is_self: bool, members: Counter, organisations: Counter) -> SummaryLine:
        return SummaryLine(
            name=name,
            link=link,
            is_self=is_self,
            member_total=sum(members.values()),
            members=cells(members),
            organisation_total=sum(organisations.values()),
            organisations=cells(organisations),
        )

    lines = [
        line(
            branch.unit.name,
            "" if branch.is_self else f"{before}{branch.unit.pk}{after}",
            branch.is_self,
            branch.members,
            branch.organisations,
        )
        for branch in summary.branches
    ]
    total = line("", "", False, summary.members, summary.organisations)
    from .dashboard import version_of

    return SummaryPage(summary=summary, lines=lines, total=total, version=version_of(lines, total))
