"""Who reviews, who is rated, which form, which caps and which written comments, for one cell in one cycle.

A thin adapter: it reads the members' memberships and statuses in bounded queries, converts them into the
rules package's plain facts (``MemberFacts``) and asks the cycle's rule set. The only logic of its own is the
bookkeeping of required written comments (old cell after a transfer, temporary cell, place of residence),
which the rules package does not cover yet.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from members.models import DisciplineLevel as MemberDisciplineLevel
from members.models import Member, Membership, MembershipKind, MemberStatus, StatusKind
from party_units.models import PartyUnit

from .models import PeriodKind, ReviewCycle, fmt
from .rules import Cap, Discipline, DisciplineLevel, Eligibility, FormVariant, MemberFacts, Period, RuleSet
from .rules.base import add_months

# "Transferred members are rated by the receiving cell; if ≥ 6 months were spent in the old cell, the old
# cell's written comment is required" (RULES.md, rules that hold across versions).
OLD_CELL_COMMENT_MONTHS = 6
DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12, to turn a leave's days into months

_DISCIPLINE_LEVELS = {
    MemberDisciplineLevel.REPRIMAND: DisciplineLevel.REPRIMAND,
    MemberDisciplineLevel.WARNING: DisciplineLevel.WARNING,
    MemberDisciplineLevel.DISMISSAL: DisciplineLevel.DISMISSAL,
    MemberDisciplineLevel.EXPULSION: DisciplineLevel.EXPULSION,
}


class CommentKind:
    OLD_CELL = "old_cell"
    TEMPORARY_CELL = "temporary_cell"
    RESIDENCE = "residence"


@dataclass(frozen=True)
class RequiredComment:
    kind: str
    text: str
    unit: PartyUnit | None = None


@dataclass
class MemberRow:
    """A member the cell reviews and rates (its official member at the end of the period)."""

    member: Member
    facts: MemberFacts
    eligibility: Eligibility
    form: FormVariant | None
    caps: list[Cap]
    comments: list[RequiredComment]
    joined_note: str = ""


@dataclass
class LeaverRow:
    """A member who left the cell during the period: rated by the receiving cell, commented on by this one."""

    member: Member
    left_on: datetime.date
    to_unit: PartyUnit | None
    comment_required: bool


@dataclass
class GuestRow:
    """A member of another cell in temporary activity here: this cell writes a comment for their cell."""

    member: Member
    official_unit: PartyUnit | None
    start_date: datetime.date
    end_date: datetime.date | None


@dataclass
class CellEligibility:
    period: Period
    rule_set: RuleSet
    rows: list[MemberRow] = field(default_factory=list)
    leavers: list[LeaverRow] = field(default_factory=list)
    guests: list[GuestRow] = field(default_factory=list)

    @property
    def reviewing(self) -> int:
        return sum(1 for row in self.rows if row.eligibility.reviews)

    @property
    def rated(self) -> int:
        return sum(1 for row in self.rows if row.eligibility.rated)

    @property
    def not_reviewed(self) -> int:
        return sum(1 for row in self.rows if not row.eligibility.reviews)


def _overlap(start: datetime.date, end: datetime.date | None, period: Period) -> tuple[datetime.date, datetime.date]:
    return max(start, period.start), min(end or period.end, period.end)


def spent_months(membership: Membership, period: Period, months: int) -> bool:
    """Whether the membership covers at least ``months`` whole months of the period."""
    first, last = _overlap(membership.start_date, membership.end_date, period)
    return last >= first and add_months(first, months) <= last + datetime.timedelta(days=1)


def _sick_leave_months(statuses: list[MemberStatus], period: Period) -> Decimal:
    """Months of sick leave in the period: the recorded length when the leave lies inside the period,
    otherwise its days within the period."""
    total = Decimal(0)
    for status in statuses:
        inside = status.start_date >= period.start and status.end_date is not None and status.end_date <= period.end
        if status.months is not None and inside:
            total += status.months
            continue
        first, last = _overlap(status.start_date, status.end_date, period)
        if last >= first:
            total += Decimal((last - first).days + 1) / DAYS_PER_MONTH
    return total.quantize(Decimal("0.1"))


def member_facts(member: Member, statuses: list[MemberStatus], period: Period) -> MemberFacts:
    """The rules' facts about one member, from their statuses that hold in the period (already filtered)."""
    kinds = {status.kind for status in statuses}
    return MemberFacts(
        admitted_on=member.admitted_on,
        exempted=StatusKind.EXEMPTED in kinds,
        suspended=StatusKind.SUSPENDED in kinds,
        disciplines=tuple(
            Discipline(
                decided_on=status.start_date,
                level=_DISCIPLINE_LEVELS[MemberDisciplineLevel(status.discipline_level)],
                duty_related=status.duty_related,
                self_detected=status.self_detected,
            )
            for status in statuses
            if status.kind == StatusKind.DISCIPLINED
        ),
        sick_leave_months=_sick_leave_months([s for s in statuses if s.kind == StatusKind.SICK_LEAVE], period),
        maternity_leave=StatusKind.MATERNITY_LEAVE in kinds,
        holds_leadership_post=member.holds_leadership_post,
        in_political_system=member.in_political_system,
    )


def period_members(cell: PartyUnit, period: Period) -> list[Member]:
    """Every member with an official or temporary membership in ``cell`` during the period, each with
    ``period_memberships`` (all their memberships in the period, any cell, oldest first) and
    ``period_statuses``. Three queries whatever the number of members."""
    in_cell = Membership.objects.filter(unit=cell).overlapping(period.start, period.end).values("member_id")
    return list(
        Member.objects.filter(pk__in=in_cell).prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.overlapping(period.start, period.end)
                .select_related("unit")
                .order_by("start_date", "id"),
                to_attr="period_memberships",
            ),
            Prefetch(
                "statuses",
                queryset=MemberStatus.objects.in_period(period.start, period.end).order_by("start_date", "id"),
                to_attr="period_statuses",
            ),
        )
    )


def cell_eligibility(cell: PartyUnit, cycle: ReviewCycle) -> CellEligibility:
    """The eligibility table of ``cell`` in ``cycle`` (the cycle that governs the cell)."""
    period, rules = cycle.period, cycle.rules()
    result = CellEligibility(period=period, rule_set=rules)
    residence = cycle.period_kind == PeriodKind.YEAR
    for member in period_members(cell, period):
        official = [m for m in member.period_memberships if m.kind == MembershipKind.OFFICIAL]
        temporary = [m for m in member.period_memberships if m.kind == MembershipKind.TEMPORARY]
        last = official[-1] if official else None
        here = [m for m in official if m.unit_id == cell.pk]
        if last is not None and last.unit_id == cell.pk and (last.end_date is None or last.end_date >= period.end):
            result.rows.append(_member_row(member, rules, period, official, temporary, residence))
        elif here:
            stay = here[-1]
            moved_to = last.unit if last is not None and last.unit_id != cell.pk else None
            result.leavers.append(
                LeaverRow(
                    member=member,
                    left_on=stay.end_date,
                    to_unit=moved_to,
                    comment_required=spent_months(stay, period, OLD_CELL_COMMENT_MONTHS),
                )
            )
        else:
            stay = [m for m in temporary if m.unit_id == cell.pk][-1]
            result.guests.append(
                GuestRow(
                    member=member,
                    official_unit=last.unit if last is not None else None,
                    start_date=stay.start_date,
                    end_date=stay.end_date,
                )
            )
    return result


def _member_row(
    member: Member,
    rules: RuleSet,
    period: Period,
    official: list[Membership],
    temporary: list[Membership],
    residence: bool,
) -> MemberRow:
    facts = member_facts(member, member.period_statuses, period)
    eligibility = rules.review_status(facts, period)
    current = official[-1]
    joined_note = ""
    comments: list[RequiredComment] = []
    for earlier in official[:-1]:
        if earlier.unit_id == current.unit_id:
            continue
        joined_note = _("Chuyển đến từ %(unit)s ngày %(day)s") % {
            "unit": earlier.unit.name,
            "day": fmt(current.start_date),
        }
        if eligibility.reviews and spent_months(earlier, period, OLD_CELL_COMMENT_MONTHS):
            comments.append(
                RequiredComment(
                    CommentKind.OLD_CELL,
                    _("Nhận xét của %(unit)s (sinh hoạt từ %(months)s tháng trở lên trong kỳ, trước khi chuyển đến)")
                    % {"unit": earlier.unit.name, "months": OLD_CELL_COMMENT_MONTHS},
                    earlier.unit,
                )
            )
    if eligibility.reviews:
        hosts = {stay.unit_id: stay.unit for stay in temporary if stay.unit_id != current.unit_id}
        for host in hosts.values():
            comments.append(
                RequiredComment(
                    CommentKind.TEMPORARY_CELL,
                    _("Nhận xét của %(unit)s, nơi sinh hoạt tạm thời") % {"unit": host.name},
                    host,
                )
            )
        if residence:
            comments.append(RequiredComment(CommentKind.RESIDENCE, _("Nhận xét của chi ủy, chi bộ nơi cư trú")))
    return MemberRow(
        member=member,
        facts=facts,
        eligibility=eligibility,
        form=rules.form_for(facts) if eligibility.reviews else None,
        caps=rules.caps(facts, period) if eligibility.rated else [],
        comments=comments,
        joined_note=joined_note,
    )
