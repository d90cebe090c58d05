"""Database → plain document data. Every query a document needs happens here, in a fixed number of queries
whatever the size of the cell or committee; the renderers in ``reports/documents`` never touch the database."""

from __future__ import annotations

import datetime

from django.utils import timezone

from appraisal.models import (
    Attendance,
    CollectiveReport,
    Rating,
    ReviewCycle,
    ReviewMeeting,
    SelfReview,
    SelfReviewVersion,
    UnitReview,
)
from appraisal.rules import RatingMethod, Subject, format_percent
from appraisal.selectors.eligibility import review_statuses
from appraisal.selectors.self_reviews import CONDITION_FIELDS
from members.models import Membership, PartyPost
from members.selectors import order_members
from party_units.models import PATH_STEP, PartyUnit

from .documents.minutes import Absent, Guest, MemberAssessment, MinutesData
from .documents.model import Issuer
from .documents.rerating import RerateData
from .documents.self_review import FormData
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


def issuer_of(unit: PartyUnit) -> Issuer:
    """The unit as the header of a document it issues names it (its parent loaded with it)."""
    return Issuer(superior=superior_name(unit), name=unit.name, abbreviation=unit.abbreviation, place=unit.place_name)


def minutes_data(review_id: int) -> MinutesData:
    """The minutes of the review meeting of one cell's work item (eight queries): the members the meeting
    reviews (by the cycle's rule set: not the exempted, nor one reviewed but not rated who was absent), each
    rated one counted in the summary lines."""
    review = UnitReview.objects.select_related("cycle", "unit", "unit__parent").get(pk=review_id)
    meeting = (
        ReviewMeeting.objects.select_related("chair", "minute_taker").prefetch_related("guests").get(unit_review=review)
    )
    attendance = list(order_members(Attendance.objects.filter(meeting=meeting).select_related("member"), "member__"))
    ratings = Rating.objects.filter(unit_review=review).select_related("member")
    by_member = {}
    unit_rating = None
    for rating in ratings:
        if rating.subject == Subject.MEMBER and rating.member_id:
            by_member[rating.member_id] = rating
        elif rating.subject == Subject.ORGANISATION and rating.unit_id == review.unit_id:
            unit_rating = rating
    statuses = review_statuses([row.member for row in attendance], review.cycle)
    members = []
    for row in attendance:
        rating = by_member.get(row.member_id)
        status = statuses[row.member_id]
        if not status.reviews or (not status.rated and not row.present):
            continue  # not reviewed at all (exempted…), or reviewed but not rated and not there to present it
        members.append(_assessment(row.member.full_name, rating, rated=status.rated, reason=status.reason))
    issued = IssuedNumber.objects.filter(unit=review.unit, subject=subject_key("minutes", review.pk)).first()
    unit = review.unit
    return MinutesData(
        issuer=issuer_of(unit),
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


def _assessment(name: str, rating: Rating | None, *, rated: bool = True, reason: str = "") -> MemberAssessment:
    if rating is None:
        return MemberAssessment(name=name, rated=rated, not_rated_reason=reason)
    return MemberAssessment(
        name=name,
        rated=rated,
        not_rated_reason=reason,
        self_level=rating.self_level,
        comments=rating.comments,
        shortcomings=rating.shortcomings,
        proposed_level=rating.proposed_level,
        votes=dict(rating.votes or {}),
    )


def summary_data(unit: PartyUnit, cycle_id: int) -> SummaryData:
    """The summary of ``unit``'s subtree in the cycle's cascade, one line per unit directly under it (four
    queries whatever the number of members: the units, the ratings' levels, its number if issued, the
    exceptions), dated the day it was issued (else today, a draft)."""
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
    issued = IssuedNumber.objects.filter(unit=unit, subject=subject_key("summary", root_id)).first()
    exceptions = (
        Rating.objects.filter(unit_review__root_id=root_id, unit_review__unit__path__startswith=unit.path)
        .exclude(quota_exception_reason="")
        .select_related("member", "unit", "unit_review__unit")
        .order_by("unit_review__unit__path", "id")
    )
    return SummaryData(
        issuer=issuer_of(unit),
        period=cycle.period_label[:1].lower() + cycle.period_label[1:],
        day=issued.issued_on if issued else timezone.localdate(),
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
        number=issued.number if issued else None,
    )


# --- Self-reviews and the collective's report ---------------------------------------------------------------


def _member_fields(structure, member, unit) -> tuple[tuple[str, str], ...]:
    values = {
        "full_name": member.full_name,
        "date_of_birth": member.date_of_birth.strftime("%d/%m/%Y") if member.date_of_birth else "",
        "party_post": member.get_party_post_display(),
        "government_post": member.government_post,
        "union_post": member.union_post,
        "workplace": member.workplace,
        "cell": unit.name,
        "unit": unit.name,
    }
    return tuple((label, values.get(name, "")) for name, label in structure.header_fields)


def _conditions(structure, content: dict) -> tuple[tuple[str, str], ...]:
    typed = content.get("conditions") or {}
    if structure.collective or not structure.score_groups or not typed:
        return ()
    return tuple((label, str(typed.get(name, ""))) for name, label in CONDITION_FIELDS)


def _local_day(moment) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def _self_review_form(review: SelfReview, version: SelfReviewVersion | None, rating: Rating | None) -> FormData:
    unit_review = review.unit_review
    cycle, unit = unit_review.cycle, unit_review.unit
    rules = cycle.rules()
    groups = cycle.score_groups() if rules.method is RatingMethod.SCORE_100 else None
    variant = rules.variant_for_code(review.form_code)
    structure = rules.form_structure(variant, leader=review.leader, score_groups=groups)
    source = version or review
    submitted = version.submitted_at if version else review.submitted_at
    note = ""
    if version is not None and version.number > 1:
        note = f"Nộp lần thứ {version.number}, ngày {_local_day(submitted).strftime('%d/%m/%Y')}"
    return FormData(
        issuer=issuer_of(unit),
        period=cycle.period_label,
        day=_local_day(submitted),
        structure=structure,
        fields=_member_fields(structure, review.member, unit),
        content=source.content or {},
        proposed_level=source.proposed_level,
        conditions=_conditions(structure, source.content or {}),
        general_score=source.general_score,
        tasks_score=source.tasks_score,
        signer=review.member.full_name,
        cell_comments=rating.comments if rating else "",
        cell_level=rating.proposed_level if rating else "",
        decided_level=rating.decided_level if rating else "",
        note=note,
    )


def self_review_data(self_review_id: int, version: int | None = None) -> FormData:
    """One member's self-review as filled (``version``: a submitted version by its number; None: the record as it
    stands, the member's draft included), with the cell's comments and levels once the meeting has rated it
    (three queries)."""
    review = SelfReview.objects.select_related("member", "unit_review__cycle", "unit_review__unit__parent").get(
        pk=self_review_id
    )
    found = review.versions.filter(number=version).first() if version else None
    if version and found is None:
        raise SelfReviewVersion.DoesNotExist(f"lần nộp {version}")
    rating = Rating.objects.filter(
        unit_review_id=review.unit_review_id, subject=Subject.MEMBER, member_id=review.member_id
    ).first()
    return _self_review_form(review, found, rating)


def self_reviews_of_cell(unit_review_id: int) -> list[FormData]:
    """The submitted self-reviews of one cell's work item, each at its last submitted version, in the order of
    the roster (four queries whatever the size of the cell)."""
    reviews = order_members(
        SelfReview.objects.filter(unit_review_id=unit_review_id).select_related(
            "member", "unit_review__cycle", "unit_review__unit__parent"
        ),
        "member__",
    )
    latest: dict[int, SelfReviewVersion] = {}
    for version in SelfReviewVersion.objects.filter(self_review__unit_review_id=unit_review_id).order_by("number"):
        latest[version.self_review_id] = version
    ratings = {
        rating.member_id: rating
        for rating in Rating.objects.filter(unit_review_id=unit_review_id, subject=Subject.MEMBER)
    }
    return [
        _self_review_form(review, latest[review.pk], ratings.get(review.member_id))
        for review in reviews
        if review.pk in latest
    ]


def collective_report_data(unit_review_id: int) -> FormData:
    """The cell's own report (Mẫu 01 in 2025), signed for the cell by its secretary when the roster names one,
    with its number once issued."""
    report = CollectiveReport.objects.select_related("unit_review__cycle", "unit_review__unit__parent").get(
        unit_review_id=unit_review_id
    )
    unit_review = report.unit_review
    cycle, unit = unit_review.cycle, unit_review.unit
    structure = cycle.rules().collective_form_structure()
    secretary = (
        Membership.objects.current()
        .filter(unit=unit, member__party_post=PartyPost.SECRETARY)
        .select_related("member")
        .first()
    )
    issued = IssuedNumber.objects.filter(unit=unit, subject=subject_key("collective_report", unit_review_id)).first()
    return FormData(
        issuer=issuer_of(unit),
        period=cycle.period_label,
        day=_local_day(report.submitted_at),
        structure=structure,
        fields=tuple((label, unit.name) for _name, label in structure.header_fields),
        number=issued.number if issued else None,
        content=report.content or {},
        proposed_level=report.proposed_level,
        general_score=report.general_score,
        tasks_score=report.tasks_score,
        signer=secretary.member.full_name if secretary else "",
    )


# --- The decision re-rating a member or an organisation (Mẫu 03) -------------------------------------------


def self_review_version(review: SelfReview, *, viewer_id: int | None, asked: int | None = None) -> int | None:
    """The version of a self-review a viewer's document is made of: the version ``asked`` (one the page shows),
    which must exist (``SelfReviewVersion.DoesNotExist`` otherwise); else, for the member, the record as it stands
    (0, her draft included), and for anyone else the last version the member submitted (None: none yet). One
    query at most; ``review.member`` is read."""
    if asked is not None:
        if not review.versions.filter(number=asked).exists():
            raise SelfReviewVersion.DoesNotExist(f"self-review {review.pk} has no version {asked}")
        return asked
    if viewer_id is not None and review.member.user_id == viewer_id:
        return 0
    return review.versions.order_by("-number").values_list("number", flat=True).first()


def is_rerated(rating: Rating) -> bool:
    """The committee decided another level than the one the cell proposed."""
    return bool(rating.decided_level and rating.proposed_level and rating.decided_level != rating.proposed_level)


def rerating_subject(rating: Rating) -> str:
    """What the register records as issued: the rating and the moment of its decision, so a decision reopened
    and taken again is a new document with a number of its own."""
    stamp = f"{rating.decided_at:%Y%m%d%H%M%S%f}" if rating.decided_at else "0"
    return f"{subject_key('rerating', rating.pk)}:{stamp}"


def signer_title(committee: PartyUnit) -> str:
    """ "T/M Đảng ủy" for "Đảng ủy phường …", "T/M Thành ủy" for "Thành ủy"."""
    words = (committee.level_label or "Đảng ủy").split()
    return "T/M " + " ".join(words[:2])


def rerating_data(rating_id: int) -> RerateData:
    """Mẫu 03 for one rating whose level the committee above the cell changed (two queries)."""
    rating = Rating.objects.select_related(
        "member", "unit", "unit_review__cycle", "unit_review__unit__parent__parent"
    ).get(pk=rating_id)
    if not is_rerated(rating):
        raise ValueError("Mức xếp loại này không được cấp ủy điều chỉnh: không có quyết định xếp loại lại.")
    review = rating.unit_review
    committee = review.unit.parent
    rules = review.cycle.rules()
    issued = IssuedNumber.objects.filter(unit=committee, subject=rerating_subject(rating)).first()
    return RerateData(
        issuer=issuer_of(committee),
        period=period_words(review),
        day=issued.issued_on if issued else None,
        number=issued.number if issued else None,
        member=rating.member_id is not None,
        subject=rating.member.full_name if rating.member_id else rating.unit.name,
        cell=review.unit.name,
        proposed_level=rating.proposed_level,
        decided_level=rating.decided_level,
        reason=rating.decision_reason,
        regulation=rules.regulation,
        guidance=rules.guidance,
        signer_title=signer_title(committee),
    )
