"""A member's or a unit's rating history (the system's approved decisions and the years entered or imported
from before the system), and the flags read from it (``rules.history``), in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf

from party_units.models import PartyUnit

from ..models import PastRating, PastRatingSource, PeriodKind, Rating, UnitReviewState
from ..rules import Level, Subject
from ..rules.history import HistoryFlag, history_flags

SYSTEM = "system"
FLAGGING_LEVELS = (Level.EXCELLENT.value, Level.NOT_COMPLETED.value)


@dataclass(frozen=True)
class HistoryYear:
    year: int
    level: Level
    source: str  # "system", or the PastRating source label


def member_levels(member_ids: Iterable[int]) -> dict[int, dict[int, HistoryYear]]:
    """Each member's final level per year: approved decisions of yearly cycles, then past ratings for the years
    the system does not hold (two queries)."""
    ids = list(member_ids)
    history: dict[int, dict[int, HistoryYear]] = defaultdict(dict)
    decided = Rating.objects.filter(
        subject=Subject.MEMBER,
        member_id__in=ids,
        unit_review__state=UnitReviewState.APPROVED,
        unit_review__cycle__period_kind=PeriodKind.YEAR,
    ).exclude(decided_level="")
    for member_id, year, level in decided.values_list("member_id", "unit_review__cycle__year", "decided_level"):
        history[member_id][year] = HistoryYear(year, Level(level), "system")
    sources = {value: str(label) for value, label in PastRatingSource.choices}  # the labels translated once
    for member_id, year, level, source in PastRating.objects.filter(member_id__in=ids).values_list(
        "member_id", "year", "level", "source"
    ):
        history[member_id].setdefault(year, HistoryYear(year, Level(level), sources.get(source, source)))
    return history


@dataclass(frozen=True)
class FlaggedMember:
    member_id: int
    name: str
    unit: str
    flag: HistoryFlag
    rating_id: int


def flagged_members(root_id: int, unit: PartyUnit, year: int) -> list[FlaggedMember]:
    """Members of ``unit``'s subtree in the cascade whose level this year (decided, or else proposed) makes a
    flag with their history: not completed two years running, excellent five years running (three queries)."""
    current = (
        Rating.objects.filter(
            unit_review__root_id=root_id, unit_review__unit__path__startswith=unit.path, subject=Subject.MEMBER
        )
        .annotate(level=Coalesce(NullIf("decided_level", Value("")), F("proposed_level")))
        .filter(level__in=FLAGGING_LEVELS)
        .values_list("pk", "member_id", "member__full_name", "unit_review__unit__name", "level")
    )
    rows = list(current)
    history = member_levels(row[1] for row in rows)
    flagged = []
    for rating_id, member_id, name, unit_name, level in rows:
        levels = {y: h.level for y, h in history.get(member_id, {}).items()}
        levels[year] = Level(level)
        for flag in history_flags(levels, year):
            flagged.append(FlaggedMember(member_id, name, unit_name, flag, rating_id))
    return sorted(flagged, key=lambda f: (f.flag, f.unit, f.name))


@dataclass(frozen=True)
class FlagLine:
    """A flagged member as the list shows it, its text ready: no url tag or label per row."""

    name: str
    unit: str
    url: str
    css: str
    label: str


def flag_lines(flagged: list[FlaggedMember]) -> list[FlagLine]:
    """The shown flags as ``FlagLine`` (one reverse() for the page: each member's URL is the pattern with its id)."""
    from django.urls import reverse

    before, after = reverse("members:detail", args=[0]).rsplit("0", 1)
    labels = {flag: flag.label for flag in HistoryFlag}
    return [
        FlagLine(
            name=f.name,
            unit=f.unit,
            url=f"{before}{f.member_id}{after}",
            css="table-danger" if f.flag == HistoryFlag.NOT_COMPLETED_TWO_YEARS else "table-success",
            label=labels[f.flag],
        )
        for f in flagged
    ]


def member_history(member_id: int) -> tuple[list[HistoryYear], list[HistoryFlag]]:
    """A member's history, newest first, and the flags read at its latest year (one query: the system's
    approved decisions and the past ratings, united)."""
    system = (
        Rating.objects.filter(
            subject=Subject.MEMBER,
            member_id=member_id,
            unit_review__state=UnitReviewState.APPROVED,
            unit_review__cycle__period_kind=PeriodKind.YEAR,
        )
        .exclude(decided_level="")
        .values_list("unit_review__cycle__year", "decided_level", Value(SYSTEM, output_field=CharField()))
        .order_by()
    )
    past = PastRating.objects.filter(member_id=member_id).values_list("year", "level", "source").order_by()
    years: dict[int, HistoryYear] = {}
    for year, level, source in system.union(past, all=True):
        if source == SYSTEM or year not in years:
            label = SYSTEM if source == SYSTEM else PastRatingSource(source).label
            years[year] = HistoryYear(year, Level(level), label)
    ordered = [years[y] for y in sorted(years, reverse=True)]
    flags = history_flags({y: h.level for y, h in years.items()}, ordered[0].year) if ordered else []
    return ordered, flags
