"""Reads of members shared by pages and by other apps (the review cycles read `facts_for_period`)."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, prefetch_related_objects
from django.utils import timezone, translation

from party_units.access import Perm, access_for
from party_units.models import PartyUnit

from .models import (
    DisciplineLevel,
    Member,
    Membership,
    MembershipKind,
    MemberStatus,
    StatusKind,
    UnitMemberCount,
    name_key,
)
from .text import fold, has_marks

DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12
DISCIPLINE_SEVERITY = {level: i + 1 for i, level in enumerate(DisciplineLevel.values)}  # reprimand=1 … expulsion=4


# ---------------------------------------------------------------------------------------------------------------
# Facts for the rule sets


@dataclass(frozen=True)
class DisciplineFact:
    """One disciplinary decision taken within the period.

    ``level`` is a ``members.models.DisciplineLevel`` value ("reprimand", "warning", "dismissal", "expulsion");
    ``severity`` orders them (1 = khiển trách … 4 = khai trừ). ``decided_on`` is the decision date.
    """

    status_id: int
    level: str
    severity: int
    decided_on: datetime.date
    decision_ref: str
    duty_related: bool
    self_detected: bool


@dataclass(frozen=True)
class MembershipSpan:
    """A membership (official or temporary) that overlaps the period, with the days of it inside the period."""

    membership_id: int
    unit_id: int
    unit_name: str
    kind: str  # MembershipKind value: "official" or "temporary"
    start_date: datetime.date
    end_date: datetime.date | None  # None: still open
    days_in_period: int


@dataclass(frozen=True)
class MemberPeriodFacts:
    """What the member's records say about one period [period_start, period_end] (both inclusive).

    - ``exempted`` / ``suspended`` / ``maternity_leave``: such a status held on at least one day of the period.
    - ``disciplines``: decisions dated within the period, oldest first.
    - ``sick_leave_months``: months of long sick leave falling in the period (one decimal). A leave's recorded
      ``months`` are spread evenly over its dates; a leave with no end date is taken to last its recorded months
      from its start date.
    - ``probationary_at_end``: not yet a full member on ``period_end``.
    - ``holds_leadership_post`` / ``in_political_system``: the member's current record (not dated).
    - ``memberships``: every official and temporary membership overlapping the period, oldest first.
    """

    member_id: int
    period_start: datetime.date
    period_end: datetime.date
    admitted_on: datetime.date | None
    full_member_on: datetime.date | None
    probationary_at_end: bool
    exempted: bool
    suspended: bool
    disciplines: tuple[DisciplineFact, ...]
    sick_leave_months: Decimal
    maternity_leave: bool
    holds_leadership_post: bool
    in_political_system: bool
    memberships: tuple[MembershipSpan, ...]

    @property
    def official(self) -> tuple[MembershipSpan, ...]:
        return tuple(m for m in self.memberships if m.kind == MembershipKind.OFFICIAL)

    @property
    def temporary(self) -> tuple[MembershipSpan, ...]:
        return tuple(m for m in self.memberships if m.kind == MembershipKind.TEMPORARY)

    @property
    def official_unit_id_at_end(self) -> int | None:
        """The official cell at the end of the period (the last one in it if the member left): the rating cell."""
        official = self.official
        return official[-1].unit_id if official else None

    def official_days_by_unit(self) -> dict[int, int]:
        """Days spent in each official cell during the period (the "≥ 6 months in the old cell" rule)."""
        days: dict[int, int] = defaultdict(int)
        for span in self.official:
            days[span.unit_id] += span.days_in_period
        return dict(days)


def _overlap_days(first: datetime.date, last: datetime.date, start: datetime.date, end: datetime.date) -> int:
    return max(0, (min(last, end) - max(first, start)).days + 1)


def _sick_leave_months(status: MemberStatus, start: datetime.date, end: datetime.date) -> Decimal:
    months = status.months or Decimal(0)
    if status.end_date is not None:
        last = status.end_date
    elif months:
        last = status.start_date + datetime.timedelta(days=int(months * DAYS_PER_MONTH) - 1)
    else:
        return Decimal(0)
    total_days = (last - status.start_date).days + 1
    inside = _overlap_days(status.start_date, last, start, end)
    if not months:  # dated leave without a recorded length: count its calendar days
        return Decimal(inside) / DAYS_PER_MONTH
    return months * inside / total_days


def facts_for_period(
    members: Iterable[Member | int] | QuerySet, start: datetime.date, end: datetime.date
) -> dict[int, MemberPeriodFacts]:
    """The rating-relevant facts of each member in the period [start, end], keyed by member id.

    ``members`` may be a queryset of Member, Member instances or ids. Three queries whatever the number of
    members (members, statuses, memberships with their unit). Members with no facts still get an entry.
    """
    if start > end:
        raise ValueError("Kỳ không hợp lệ: ngày bắt đầu sau ngày kết thúc.")
    if isinstance(members, QuerySet):
        rows = list(members.values(*_FACT_FIELDS))
    else:
        ids = [m.pk if isinstance(m, Member) else int(m) for m in members]
        rows = list(Member.objects.filter(pk__in=ids).values(*_FACT_FIELDS))
    return _facts(rows, start, end)


def facts_for_loaded(
    members: Iterable[Member], start: datetime.date, end: datetime.date
) -> dict[int, MemberPeriodFacts]:
    """``facts_for_period`` of members just loaded by the caller (their fields as loaded, not read again): two
    queries whatever the number of members (statuses, memberships)."""
    if start > end:
        raise ValueError("Kỳ không hợp lệ: ngày bắt đầu sau ngày kết thúc.")
    return _facts([{field: getattr(m, field) for field in _FACT_FIELDS} for m in members], start, end)


_FACT_FIELDS = ("id", "admitted_on", "full_member_on", "holds_leadership_post", "in_political_system")


def _facts(rows: list[dict], start: datetime.date, end: datetime.date) -> dict[int, MemberPeriodFacts]:
    """The facts of the members whose ``_FACT_FIELDS`` are ``rows``: their statuses and memberships in the period
    (two queries, by the members' ids)."""
    ids = [row["id"] for row in rows]
    statuses: dict[int, list[MemberStatus]] = defaultdict(list)
    for status in MemberStatus.objects.filter(member_id__in=ids).in_period(start, end).order_by("start_date", "id"):
        statuses[status.member_id].append(status)
    spans: dict[int, list[MembershipSpan]] = defaultdict(list)
    memberships = (
        Membership.objects.filter(member_id__in=ids)
        .overlapping(start, end)
        .order_by("start_date", "id")
        .values("id", "member_id", "unit_id", "kind", "start_date", "end_date", unit_name=F("unit__name"))
    )
    for m in memberships:
        spans[m["member_id"]].append(
            MembershipSpan(
                membership_id=m["id"],
                unit_id=m["unit_id"],
                unit_name=m["unit_name"],
                kind=m["kind"],
                start_date=m["start_date"],
                end_date=m["end_date"],
                days_in_period=_overlap_days(m["start_date"], m["end_date"] or end, start, end),
            )
        )

    out: dict[int, MemberPeriodFacts] = {}
    for row in rows:
        own = statuses.get(row["id"], [])
        kinds = {s.kind for s in own}
        sick = sum((_sick_leave_months(s, start, end) for s in own if s.kind == StatusKind.SICK_LEAVE), Decimal(0))
        out[row["id"]] = MemberPeriodFacts(
            member_id=row["id"],
            period_start=start,
            period_end=end,
            admitted_on=row["admitted_on"],
            full_member_on=row["full_member_on"],
            probationary_at_end=row["full_member_on"] is None or row["full_member_on"] > end,
            exempted=StatusKind.EXEMPTED in kinds,
            suspended=StatusKind.SUSPENDED in kinds,
            disciplines=tuple(
                DisciplineFact(
                    status_id=s.pk,
                    level=s.discipline_level,
                    severity=DISCIPLINE_SEVERITY.get(s.discipline_level, 0),
                    decided_on=s.start_date,
                    decision_ref=s.decision_ref,
                    duty_related=s.duty_related,
                    self_detected=s.self_detected,
                )
                for s in own
                if s.kind == StatusKind.DISCIPLINED
            ),
            sick_leave_months=Decimal(sick).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
            maternity_leave=StatusKind.MATERNITY_LEAVE in kinds,
            holds_leadership_post=row["holds_leadership_post"],
            in_political_system=row["in_political_system"],
            memberships=tuple(spans.get(row["id"], [])),
        )
    return out


# ---------------------------------------------------------------------------------------------------------------
# Vietnamese ordering


def order_members(queryset: QuerySet, prefix: str = "", *, first: tuple[str, ...] = ()) -> QuerySet:
    """Order members (or rows pointing at a member through ``prefix``, e.g. "member__") the Vietnamese way,
    after the fields ``first`` when given (e.g. a rating's subject).

    In the database on every engine: by the stored ``sort_key`` (members/text.py: the order of PostgreSQL's ICU
    collation ``vi-x-icu`` as a plain string), then the id.
    """
    return queryset.order_by(*first, f"{prefix}sort_key", f"{prefix}id")


# ---------------------------------------------------------------------------------------------------------------
# Roster


ROSTER_FILTERS = {
    "exempted": StatusKind.EXEMPTED,
    "suspended": StatusKind.SUSPENDED,
    "disciplined": StatusKind.DISCIPLINED,
    "sick_leave": StatusKind.SICK_LEAVE,
    "maternity_leave": StatusKind.MATERNITY_LEAVE,
}


ROSTER_GATHER_LIMIT = 20_000  # members: up to this a subtree's roster is gathered by cell and sorted (see below)


def roster_queryset(
    unit: PartyUnit, *, year: int, status: str = "", search: str = "", cell_ids: list[int] | None = None
) -> QuerySet:
    """Current official memberships of the cells in the unit's subtree with their member and cell, filtered and
    in Vietnamese alphabetical order — all in the database, so a page of it costs the same for 10 or 100,000.

    ``status``: a StatusKind value (held in ``year``), "probationary" (not a full member on 31/12 of the year) or
    "" for everyone. ``search``: part of the name; without marks it matches any marks ("duc" finds "Đức", "hong
    nhung" finds "Hồng Nhung"), with marks it matches them (NFC/NFD, case and tone placement insensitive).
    ``cell_ids``: the subtree's units, when the caller has them (``roster_cells``): the rows are then read by cell.
    """
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    qs = Membership.objects.current().official().select_related("member", "unit")
    if cell_ids is not None:
        qs = qs.filter(unit_id__in=cell_ids)
    else:
        qs = qs.filter(unit__path__startswith=unit.path)
    if status in ROSTER_FILTERS:
        held = MemberStatus.objects.in_period(start, end).filter(member=OuterRef("member"), kind=status)
        qs = qs.filter(Exists(held))
    elif status == "probationary":
        qs = qs.filter(Q(member__full_member_on__isnull=True) | Q(member__full_member_on__gt=end))
    if search.strip():
        if has_marks(search):
            qs = qs.filter(member__name_key__contains=name_key(search))
        else:
            qs = qs.filter(member__search_key__contains=fold(search))
    # The membership's copy of the member's key (kept by Membership.save): ordered on the membership table's own
    # indexes, the same order as ``order_members``.
    return qs.order_by("sort_key", "member_id")


def roster_size(unit: PartyUnit) -> int:
    """The number of rows of ``roster_queryset(unit)`` unfiltered: the stored counts of current official members
    (``UnitMemberCount``, kept as memberships are written) summed over the subtree's unit rows, not a count of its
    memberships."""
    total = UnitMemberCount.objects.filter(unit__path__startswith=unit.path).aggregate(n=Sum("official_members"))["n"]
    return total or 0


def roster_cells(unit: PartyUnit, size: int) -> list[int] | None:
    """The ids of the subtree's units holding members when its roster (``size`` members) is small enough to be
    gathered cell by cell and sorted; None for a larger one, read in name order across the whole table.

    A ward's page in name order either walks the name index of every membership of the database, keeping the
    ward's (3,000 entries for a ward of a city of 100,000; 170,000 in a country of 5.6 million), or reads the
    ward's own entries by cell from the index by cell and name, and sorts them: the second costs the size of the
    ward whatever the size of the country. PostgreSQL chooses it when it is given the cells' ids (with a join on
    the units' paths it walks). Above ``ROSTER_GATHER_LIMIT`` the walk finds a page within a few hundred entries.
    """
    if size > ROSTER_GATHER_LIMIT:
        return None
    return list(
        UnitMemberCount.objects.filter(unit__path__startswith=unit.path, official_members__gt=0).values_list(
            "unit_id", flat=True
        )
    )


def roster_rows(queryset: QuerySet, start: int, stop: int) -> list[Membership]:
    """Rows ``start:stop`` of a ``roster_queryset`` in two queries: the page's members in order, read from the
    memberships' index alone (no table row is read for the rows skipped or sorted), then those rows in full."""
    ids = list(queryset.values_list("member_id", flat=True)[start:stop])
    rows = Membership.objects.current().official().filter(member_id__in=ids).select_related("member", "unit")
    by_member = {row.member_id: row for row in rows}
    return [by_member[pk] for pk in ids if pk in by_member]


def with_statuses(rows: list[Membership], year: int) -> list[Membership]:
    """Attach to the shown rows only the statuses each member held in ``year`` (``member.statuses_in_year``):
    one query for the page, whatever the size of the roster."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    prefetch_related_objects(
        rows,
        Prefetch(
            "member__statuses",
            queryset=MemberStatus.objects.in_period(start, end).order_by("start_date", "id"),
            to_attr="statuses_in_year",
        ),
    )
    for row in rows:
        row.member.current_membership = row  # lets Member.access_unit answer without a query
    return rows


@dataclass(frozen=True)
class RosterLine:
    """One roster row, its values ready as text: the roster template writes the row (one inline loop over the
    page's lines, no per-row include or filter; bench/city_pages.py measures it). The number is text too: an
    integer would be localised by the template for every row."""

    number: str
    member_id: int
    url: str
    full_name: str
    date_of_birth: str
    gender: str
    party_post: str
    cell: str
    admitted_on: str
    probationary: bool  # not yet a full member at the end of the year: a "Dự bị" badge
    statuses: tuple[tuple[str, str], ...]  # the year's statuses as (start date, label): a badge each


def _ddmmyyyy(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def roster_lines(rows: list[Membership], year: int, *, first_number: int = 1) -> list[RosterLine]:
    """The shown memberships as ``RosterLine`` (statuses of ``year`` loaded for them only: one query)."""
    from django.urls import reverse

    year_end = datetime.date(year, 12, 31)
    # One reverse() for the page: every member's URL is the same pattern with its id (the 0 is replaced whole).
    url_before, url_after = reverse("members:detail", args=[0]).rsplit("0", 1)
    lines = []
    for number, row in enumerate(with_statuses(rows, year), start=first_number):
        m = row.member
        lines.append(
            RosterLine(
                number=str(number),
                member_id=m.pk,
                url=f"{url_before}{m.pk}{url_after}",
                full_name=m.full_name,
                date_of_birth=_ddmmyyyy(m.date_of_birth),
                gender=m.get_gender_display() if m.gender else "—",
                party_post=m.get_party_post_display() if m.party_post else "",
                cell=row.unit.short_name,
                admitted_on=_ddmmyyyy(m.admitted_on),
                probationary=not m.full_member_on or m.full_member_on > year_end,
                statuses=tuple(
                    (
                        _ddmmyyyy(status.start_date),
                        status.get_kind_display()
                        + (f": {status.get_discipline_level_display()}" if status.discipline_level else ""),
                    )
                    for status in m.statuses_in_year
                ),
            )
        )
    return lines


def roster_version(lines: list[RosterLine], *, with_cell: bool) -> str:
    """A digest of everything the rows show, and in which language: the roster template keeps the rendered rows
    under it (template fragment caching), so a page whose rows have not changed is not written again, and a
    change to any value shown is a new key."""
    shown = repr((translation.get_language(), with_cell, lines))
    return hashlib.blake2b(shown.encode(), digest_size=16).hexdigest()


def roster(unit: PartyUnit, *, year: int | None = None, status: str = "", search: str = "") -> list[Membership]:
    """The whole roster with the statuses of ``year`` (two queries): for small units and exports; pages use
    ``roster_queryset`` with a paginator and ``with_statuses`` for the shown rows."""
    year = year or timezone.localdate().year
    return with_statuses(list(roster_queryset(unit, year=year, status=status, search=search)), year)


def member_page(member: Member) -> dict:
    """Memberships (oldest last), statuses, and whether the viewer context needs the cell: 2 queries."""
    return {
        "memberships": list(member.memberships.select_related("unit").order_by("-start_date", "-id")),
        "statuses": list(member.statuses.order_by("-start_date", "-id")),
    }


def manageable_cells(user, within: PartyUnit | None = None) -> QuerySet:
    """Active cells where the user may manage members (within a unit's subtree if given)."""
    qs = access_for(user).units(Perm.MANAGE_MEMBERS).cells().filter(is_active=True)
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return qs.select_related("parent").order_by("path")


def viewable_cells(user) -> QuerySet:
    return access_for(user).units(Perm.VIEW).cells().filter(is_active=True).select_related("parent").order_by("path")
