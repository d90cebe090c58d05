"""Database → plain document data. Every query a document needs happens here, in a fixed number of queries
whatever the size of the cell or committee; the renderers in ``reports/documents`` never touch the database."""

from __future__ import annotations

from django.utils import timezone

from appraisal.models import Attendance, Rating, ReviewCycle, ReviewMeeting, UnitReview
from appraisal.rules import Subject, format_percent
from members.selectors import order_members
from party_units.models import PATH_STEP, PartyUnit

from .documents.minutes import Absent, Guest, MemberAssessment, MinutesData
from .documents.summary import Counts, Exception_, SummaryData, UnitLine
from .models import IssuedNumber


def subject_key(kind: str, pk: int) -> str:
    """What the register records as issued: a document kind and its record's id ("minutes:42")."""
    return f"{kind}:{pk}"


def period_words(review: UnitReview) -> str:
    """ "năm 2021", "quý 3 năm 2024": the cycle's period in running text."""
    label = review.cycle.period_label
    return label[:1].lower() + label[1:]


def superior_name(unit) -> str:
    return unit.parent.name if unit.parent_id else ""


def minutes_data(review_id: int) -> MinutesData:
    """The minutes of the review meeting of one cell's work item (six queries)."""
    review = UnitReview.objects.select_related("cycle", "unit", "unit__parent").get(pk=review_id)
    meeting = (
        ReviewMeeting.objects.select_related("chair", "minute_taker").prefetch_related("guests").get(unit_review=review)
    )
    attendance = order_members(Attendance.objects.filter(meeting=meeting).select_related("member"), "member__")
    ratings = Rating.objects.filter(unit_review=review).select_related("member")
    by_member = {}
    unit_rating = None
    for rating in ratings:
        if rating.subject == Subject.MEMBER and rating.member_id:
            by_member[rating.member_id] = rating
        elif rating.subject == Subject.ORGANISATION and rating.unit_id == review.unit_id:
            unit_rating = rating
    members = []
    for row in attendance:
        rating = by_member.get(row.member_id)
        members.append(_assessment(row.member.full_name, rating))
    issued = IssuedNumber.objects.filter(unit=review.unit, subject=subject_key("minutes", review.pk)).first()
    unit = review.unit
    return MinutesData(
        superior=superior_name(unit),
        unit_name=unit.name,
        abbreviation=unit.abbreviation,
        place_name=unit.place_name,
        period=period_words(review),
        held_on=meeting.held_on,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        venue=meeting.place,
        chair=meeting.chair.full_name if meeting.chair_id else "",
        minute_taker=meeting.minute_taker.full_name if meeting.minute_taker_id else "",
        vote_method=meeting.get_vote_method_display(),
        guests=tuple(Guest(g.full_name, g.title, g.unit_name) for g in meeting.guests.all()),
        total=len(attendance),
        present=sum(1 for row in attendance if row.present),
        absent=tuple(Absent(row.member.full_name, row.absence_reason) for row in attendance if not row.present),
        members=tuple(members),
        unit_assessment=_assessment(unit.name, unit_rating) if unit_rating else None,
        conclusions=meeting.conclusions,
        number=issued.number if issued else None,
    )


def _assessment(name: str, rating: Rating | None) -> MemberAssessment:
    if rating is None:
        return MemberAssessment(name=name)
    return MemberAssessment(
        name=name,
        self_level=rating.self_level,
        comments=rating.comments,
        shortcomings=rating.shortcomings,
        proposed_level=rating.proposed_level,
        votes=dict(rating.votes or {}),
    )


def summary_data(unit: PartyUnit, cycle_id: int) -> SummaryData:
    """The summary of ``unit``'s subtree in the cycle's cascade, one line per unit directly under it (three
    queries whatever the number of members: the units, the ratings' levels, the exceptions)."""
    cycle = ReviewCycle.objects.select_related("issuing_unit").get(pk=cycle_id)
    root_id = cycle.root_id_or_self
    children = list(PartyUnit.objects.filter(parent=unit).order_by("path").values_list("path", "name"))
    if not children:
        children = [(unit.path, unit.name)]
    rows = (
        Rating.objects.filter(unit_review__root_id=root_id, unit_review__unit__path__startswith=unit.path)
        .values_list("unit_review__unit__path", "subject", "decided_level", "proposed_level")
        .iterator(chunk_size=5000)
    )
    empty = {path: ({}, {}, [0], [0]) for path, _name in children}  # member levels, org levels, totals
    step = len(unit.path) + PATH_STEP
    totals = ({}, {}, [0], [0])
    for path, subject, decided, proposed in rows:
        level = decided or proposed
        line = empty.get(path[:step]) or empty.get(unit.path)  # the unit directly under ``unit`` (or itself)
        person = subject in (Subject.MEMBER, Subject.LEADING_INDIVIDUAL)
        if subject not in (Subject.MEMBER, Subject.ORGANISATION):
            continue
        for target in filter(None, (line, totals)):
            levels, count = (target[0], target[2]) if person else (target[1], target[3])
            count[0] += 1
            if level:
                levels[level] = levels.get(level, 0) + 1
    rules = cycle.rules()
    lines = []
    for path, name in children:
        members, organisations, member_total, org_total = empty[path]
        excellent, good = members.get("htxsnv", 0), members.get("httnv", 0)
        lines.append(
            UnitLine(
                name=name,
                members=Counts(member_total[0], members),
                organisations=Counts(org_total[0], organisations),
                quota=rules.quota_check(excellent, good).message,
            )
        )
    exceptions = (
        Rating.objects.filter(unit_review__root_id=root_id, unit_review__unit__path__startswith=unit.path)
        .exclude(quota_exception_reason="")
        .select_related("member", "unit", "unit_review__unit")
        .order_by("unit_review__unit__path", "id")
    )
    return SummaryData(
        superior=superior_name(unit),
        unit_name=unit.name,
        abbreviation=unit.abbreviation,
        place_name=unit.place_name,
        period=cycle.period_label[:1].lower() + cycle.period_label[1:],
        day=timezone.localdate(),
        lines=tuple(lines),
        total_members=Counts(totals[2][0], totals[0]),
        total_organisations=Counts(totals[3][0], totals[1]),
        quota_share=format_percent(rules.quota_ratio, 0),
        exceptions=tuple(
            Exception_(
                subject=rating.member.full_name if rating.member_id else rating.unit.name,
                unit=rating.unit_review.unit.name,
                level=rating.decided_level or rating.proposed_level,
                reason=rating.quota_exception_reason,
            )
            for rating in exceptions
        ),
        signer_title=f"T/M {unit.level_label}" if not unit.is_cell else "T/M Chi bộ",
        signer_role="Bí thư",
        number=None,
    )
