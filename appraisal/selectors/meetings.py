"""The read model of a cell's review meeting: ``meeting_sheet`` reads everything the meeting page and its checks
need in a fixed number of queries — the cell's members from eligibility (who is rated, with which caps), the
subjects rated (each member, the cell itself and, where the cell has a committee, the leadership collective and
each leading individual), the self-proposed levels of submitted self-reviews, the stored meeting, its attendance
and the ratings. Reads only; ``services.meetings`` writes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from members.models import Member, PartyPost

from ..models import (
    Attendance,
    CycleState,
    GuidanceDocument,
    MeetingGuest,
    Rating,
    ReviewMeeting,
    SelfReview,
    SelfReviewState,
    UnitReview,
)
from ..rules import Cap, CollectiveFacts, Level, RuleSet, Subject, proposal_summary
from .eligibility import CellEligibility, MemberRow, cell_eligibility

LEADING_POSTS = frozenset({PartyPost.SECRETARY, PartyPost.DEPUTY_SECRETARY, PartyPost.COMMITTEE_MEMBER})
SUBMITTED_SELF_REVIEW = (SelfReviewState.SUBMITTED, SelfReviewState.RESUBMITTED)


@dataclass
class SubjectRow:
    """One subject the meeting rates (or lists as not rated), with what bounds its proposal."""

    key: str  # "m<member id>", "o" (the cell), "c" (its leadership collective), "l<member id>" (a leader)
    subject: Subject
    name: str
    member: Member | None = None
    rated: bool = True
    reason: str = ""  # why not rated
    caps: list[Cap] = field(default_factory=list)
    self_level: str = ""
    row: MemberRow | None = None
    rating: Rating | None = None

    @property
    def self_level_label(self) -> str:
        return Level(self.self_level).label if self.self_level else ""


@dataclass
class MeetingSheet:
    review: UnitReview
    rules: RuleSet
    eligibility: CellEligibility
    meeting: ReviewMeeting | None
    documents: list[GuidanceDocument]
    chosen_documents: set[int]
    guests: list[MeetingGuest]
    attendance: dict[int, Attendance]
    subjects: list[SubjectRow]
    has_committee: bool

    @property
    def members(self) -> list[MemberRow]:
        return self.eligibility.rows

    @property
    def member_ids(self) -> set[int]:
        return {row.member.pk for row in self.eligibility.rows}

    def full_members(self, on: datetime.date | None = None) -> int:
        return sum(1 for row in self.members if is_full_member(row, on or self.eligibility.period.end))

    @property
    def by_key(self) -> dict[str, SubjectRow]:
        return {subject.key: subject for subject in self.subjects}

    @property
    def editable(self) -> bool:
        from ..services.progress import CELL_EDITABLE  # the state machine's; services.meetings imports this module

        return self.review.state in CELL_EDITABLE and self.review.cycle.state != CycleState.CLOSED

    @property
    def score_method(self) -> bool:
        return self.rules.score_rules is not None

    def summary_line(self) -> str:
        return summary_from_ratings(self.subjects)


def is_full_member(row: MemberRow, on: datetime.date) -> bool:
    """An official (full, not probationary) member who takes part in party life: counted for the quorum,
    the vote thresholds and whether the cell has a committee."""
    full_on = row.member.full_member_on
    return row.eligibility.reviews and full_on is not None and full_on <= on


def _leads(row: MemberRow) -> bool:
    return row.member.party_post in LEADING_POSTS


def _one_to_one(review: UnitReview, name: str):
    """The reverse one-to-one ``name`` of the work item (a meeting, a report) or None: read from the instance
    when a selector joined it, else one query."""
    try:
        return getattr(review, name)
    except ObjectDoesNotExist:
        return None


def meeting_sheet(review: UnitReview) -> MeetingSheet:
    """Everything the meeting page and its checks need, in a fixed number of queries."""
    cycle = review.cycle
    rules = cycle.rules()
    eligibility = cell_eligibility(review.unit, cycle)
    meeting = _one_to_one(review, "meeting")  # no query when the view's selector joined it
    guests, attendance = [], {}
    cycle_documents = cycle.guidance_documents.order_by("issued_on", "pk")
    if meeting is not None:
        guests = list(meeting.guests.all())
        attendance = {a.member_id: a for a in meeting.attendance.all()}
        chosen_rows = ReviewMeeting.guidance_documents.through.objects.filter(
            reviewmeeting_id=meeting.pk, guidancedocument_id=OuterRef("pk")
        )
        cycle_documents = cycle_documents.annotate(chosen=Exists(chosen_rows))
    documents = list(cycle_documents)
    chosen = {d.pk for d in documents if getattr(d, "chosen", False)}
    ratings = {_rating_key(r): r for r in Rating.objects.filter(unit_review=review).select_related("member", "unit")}
    self_levels = dict(
        SelfReview.objects.filter(unit_review=review, state__in=SUBMITTED_SELF_REVIEW)
        .exclude(proposed_level="")
        .values_list("member_id", "proposed_level")
    )
    report = _one_to_one(review, "collective_report")
    if report is not None and report.state not in SUBMITTED_SELF_REVIEW:
        report = None

    rows = eligibility.rows
    full = sum(1 for row in rows if is_full_member(row, eligibility.period.end))
    has_committee = (
        full >= rules.cell_committee_min_full_members and Subject.LEADERSHIP_COLLECTIVE in rules.rated_subjects
    )
    subjects: list[SubjectRow] = []
    if Subject.MEMBER in rules.rated_subjects:
        for row in rows:
            subjects.append(
                SubjectRow(
                    key=f"m{row.member.pk}",
                    subject=Subject.MEMBER,
                    name=row.member.full_name,
                    member=row.member,
                    rated=row.eligibility.rated,
                    reason=row.eligibility.reason,
                    caps=list(row.caps),
                    self_level=self_levels.get(row.member.pk, ""),
                    row=row,
                )
            )
    leader_disciplines = tuple(
        d.decided_on for row in rows if _leads(row) for d in row.facts.disciplines if not d.already_counted
    )
    collective_caps = rules.caps(CollectiveFacts(subordinate_disciplined_on=leader_disciplines), eligibility.period)
    if Subject.ORGANISATION in rules.rated_subjects:
        subjects.append(
            SubjectRow(
                key="o",
                subject=Subject.ORGANISATION,
                name=review.unit.name,
                caps=collective_caps,
                self_level=report.proposed_level if report is not None else "",
            )
        )
    if has_committee:
        subjects.append(
            SubjectRow(
                key="c",
                subject=Subject.LEADERSHIP_COLLECTIVE,
                name=_("Tập thể chi ủy %(unit)s") % {"unit": review.unit.name},
                caps=collective_caps,
            )
        )
        if Subject.LEADING_INDIVIDUAL in rules.rated_subjects:
            for row in rows:
                if _leads(row) and row.eligibility.rated:
                    subjects.append(
                        SubjectRow(
                            key=f"l{row.member.pk}",
                            subject=Subject.LEADING_INDIVIDUAL,
                            name=f"{row.member.full_name} ({row.member.get_party_post_display()})",
                            member=row.member,
                            caps=list(row.caps),
                            self_level=self_levels.get(row.member.pk, ""),
                            row=row,
                        )
                    )
    for subject in subjects:
        subject.rating = ratings.get(subject.key)
    return MeetingSheet(
        review=review,
        rules=rules,
        eligibility=eligibility,
        meeting=meeting,
        documents=documents,
        chosen_documents=chosen,
        guests=guests,
        attendance=attendance,
        subjects=subjects,
        has_committee=has_committee,
    )


def _rating_key(rating: Rating) -> str:
    match rating.subject:
        case Subject.MEMBER:
            return f"m{rating.member_id}"
        case Subject.LEADING_INDIVIDUAL:
            return f"l{rating.member_id}"
        case Subject.LEADERSHIP_COLLECTIVE:
            return "c"
    return "o"


def summary_from_ratings(subjects: list[SubjectRow]) -> str:
    """The summary line (RULES.md; the 2021 source) from the stored proposals of a sheet's subjects."""
    organisation = next((s for s in subjects if s.subject == Subject.ORGANISATION), None)
    org_level = organisation.rating.proposed_level if organisation and organisation.rating else ""
    members = [
        Level(s.rating.proposed_level) if s.rating and s.rating.proposed_level else None
        for s in subjects
        if s.subject == Subject.MEMBER and s.rated
    ]
    return proposal_summary(Level(org_level) if org_level else None, members)


def meeting_summary_line(review: UnitReview) -> str:
    """The summary line of a unit's proposals, for the minutes and the reports."""
    return meeting_sheet(review).summary_line()
