"""Who reviews, who is rated, which form, which caps and which written comments, for one cell in one cycle.

A thin adapter: ``members.selectors.facts_for_loaded`` reads the members' memberships and statuses in bounded
queries; this module converts them into the rules package's plain facts (``MemberFacts``) and asks the
cycle's rule set. The only logic of its own is the bookkeeping of required written comments (old cell after
a transfer, temporary cell, place of residence), whose threshold the rule set states (``old_cell_comment_months``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from members.models import DisciplineLevel as MemberDisciplineLevel
from members.models import Member, Membership
from members.selectors import MemberPeriodFacts, MembershipSpan, facts_for_loaded, order_members
from party_units.models import PartyUnit

from ..models import PeriodKind, ReviewCycle, fmt
from ..rules import Cap, Discipline, DisciplineLevel, Eligibility, FormVariant, MemberFacts, Period, RuleSet
from ..rules.terms import add_months


class CommentKind:
    OLD_CELL = "old_cell"
    TEMPORARY_CELL = "temporary_cell"
    RESIDENCE = "residence"


@dataclass(frozen=True)
class RequiredComment:
    kind: str
    text: str
    unit_id: int | None = None


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
    to_unit: str  # the receiving cell's name, "" when it is outside the tree
    comment_required: bool


@dataclass
class GuestRow:
    """A member of another cell in temporary activity here: this cell writes a comment for their cell."""

    member: Member
    official_unit: str
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


def spent_months(span: MembershipSpan, period: Period, months: int) -> bool:
    """Whether the membership covers at least ``months`` whole months of the period."""
    first, last = max(span.start_date, period.start), min(span.end_date or period.end, period.end)
    return last >= first and add_months(first, months) <= last + datetime.timedelta(days=1)


def member_facts(facts: MemberPeriodFacts) -> MemberFacts:
    """The rules' facts about one member from the members app's facts for the period."""
    return MemberFacts(
        admitted_on=facts.admitted_on,
        exempted=facts.exempted,
        suspended=facts.suspended,
        disciplines=tuple(
            Discipline(
                decided_on=d.decided_on,
                # The two enums share member names (REPRIMAND…); their stored values differ.
                level=DisciplineLevel[MemberDisciplineLevel(d.level).name],
                duty_related=d.duty_related,
                self_detected=d.self_detected,
            )
            for d in facts.disciplines
        ),
        sick_leave_months=facts.sick_leave_months,
        maternity_leave=facts.maternity_leave,
        holds_leadership_post=facts.holds_leadership_post,
        in_political_system=facts.in_political_system,
    )


def review_statuses(members: Iterable[Member], cycle: ReviewCycle) -> dict[int, Eligibility]:
    """Whether each of ``members`` (just loaded by the caller) is reviewed and rated in ``cycle``, by its rule set
    (two queries whatever the number of members)."""
    members = list(members)
    period, rules = cycle.period, cycle.rules()
    all_facts = facts_for_loaded(members, period.start, period.end)
    return {m.pk: rules.review_status(member_facts(all_facts[m.pk]), period) for m in members}


def cell_eligibility(cell: PartyUnit, cycle: ReviewCycle) -> CellEligibility:
    """The eligibility table of ``cell`` in ``cycle`` (the cycle that governs the cell).

    Three queries whatever the number of members: the members, then their statuses and memberships.
    """
    period, rules = cycle.period, cycle.rules()
    result = CellEligibility(period=period, rule_set=rules)
    residence = cycle.period_kind == PeriodKind.YEAR
    in_cell = Membership.objects.filter(unit=cell).overlapping(period.start, period.end).values("member_id")
    members = list(order_members(Member.objects.filter(pk__in=in_cell)))
    all_facts = facts_for_loaded(members, period.start, period.end)
    for member in members:
        facts = all_facts[member.pk]
        official, temporary = facts.official, facts.temporary
        last = official[-1] if official else None
        here = [m for m in official if m.unit_id == cell.pk]
        if last is not None and last.unit_id == cell.pk and (last.end_date is None or last.end_date >= period.end):
            result.rows.append(_member_row(member, facts, rules, period, residence))
        elif here:
            stay = here[-1]
            result.leavers.append(
                LeaverRow(
                    member=member,
                    left_on=stay.end_date,
                    to_unit=last.unit_name if last is not None and last.unit_id != cell.pk else "",
                    comment_required=spent_months(stay, period, rules.old_cell_comment_months),
                )
            )
        else:
            stay = [m for m in temporary if m.unit_id == cell.pk][-1]
            result.guests.append(
                GuestRow(
                    member=member,
                    official_unit=last.unit_name if last is not None else "",
                    start_date=stay.start_date,
                    end_date=stay.end_date,
                )
            )
    return result


def _member_row(
    member: Member, period_facts: MemberPeriodFacts, rules: RuleSet, period: Period, residence: bool
) -> MemberRow:
    facts = member_facts(period_facts)
    eligibility = rules.review_status(facts, period)
    official = period_facts.official
    current = official[-1]
    joined_note = ""
    comments: list[RequiredComment] = []
    commented: set[int] = set()
    for earlier in official[:-1]:
        if earlier.unit_id == current.unit_id:
            continue
        joined_note = _("Chuyển đến từ %(unit)s ngày %(day)s") % {
            "unit": earlier.unit_name,
            "day": fmt(current.start_date),
        }
        if (
            eligibility.reviews
            and earlier.unit_id not in commented
            and spent_months(earlier, period, rules.old_cell_comment_months)
        ):
            commented.add(earlier.unit_id)
            comments.append(
                RequiredComment(
                    CommentKind.OLD_CELL,
                    _("Nhận xét của %(unit)s (sinh hoạt từ %(months)s tháng trở lên trong kỳ, trước khi chuyển đến)")
                    % {"unit": earlier.unit_name, "months": rules.old_cell_comment_months},
                    earlier.unit_id,
                )
            )
    if eligibility.reviews:
        hosts = {stay.unit_id: stay.unit_name for stay in period_facts.temporary if stay.unit_id != current.unit_id}
        for unit_id, unit_name in hosts.items():
            comments.append(
                RequiredComment(
                    CommentKind.TEMPORARY_CELL,
                    _("Nhận xét của %(unit)s, nơi sinh hoạt tạm thời") % {"unit": unit_name},
                    unit_id,
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
