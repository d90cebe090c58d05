"""The cell's review meeting (hội nghị kiểm điểm) and its proposals: record, check, submit, withdraw.

``meeting_sheet`` reads everything the meeting page shows in a fixed number of queries: the cell's members
from eligibility (who is rated, with which caps), the subjects rated (each member, the cell itself and, where
the cell has a committee, the leadership collective and each leading individual), the stored meeting, its
attendance and the ratings. ``meeting_save`` checks a whole meeting at once — every error is collected, named by
subject and column, and nothing is written unless all of it is valid — then writes it in one transaction with
bulk queries whose number does not grow with the number of members, and audits every change before/after.
``proposals_submit`` sends the proposals to the superior committee (locking the cell's entries) and
``proposals_withdraw`` takes them back while the committee has not acted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_entry, snapshot
from members.models import Member, PartyPost
from party_units.access import Actor, Perm, require_actor

from ..models import (
    Attendance,
    CycleState,
    GuidanceDocument,
    MeetingGuest,
    ProposalRound,
    Rating,
    ReviewMeeting,
    RoundOutcome,
    SelfReview,
    SelfReviewState,
    UnitReview,
    UnitReviewState,
    VoteMethod,
    fmt,
)
from ..rules import Cap, CollectiveFacts, Level, RuleSet, ScoreAssessment, ScoreConditions, Subject, proposal_summary
from ..rules.base import STAYS_COMPLETED_REASON
from ..rules.levels import _LEVEL_ORDER
from ..selectors.eligibility import CellEligibility, MemberRow, cell_eligibility
from .decisions import notify_proposals_submitted
from .progress import CELL_EDITABLE, review_lock, review_touch, review_transition

LEVELS = _LEVEL_ORDER  # best first: the order of the tally columns
LEVEL_VALUES = frozenset(level.value for level in LEVELS)
LEADING_POSTS = frozenset({PartyPost.SECRETARY, PartyPost.DEPUTY_SECRETARY, PartyPost.COMMITTEE_MEMBER})
SUBMITTED_SELF_REVIEW = (SelfReviewState.SUBMITTED, SelfReviewState.RESUBMITTED)
# The 100-point method's entries of one subject (2025), in the order the page shows them.
SCORE_FIELDS: tuple[tuple[str, str], ...] = (
    ("general", "Điểm tiêu chí chung (/30)"),
    ("tasks", "Điểm kết quả nhiệm vụ (/70)"),
    ("tasks_total", "Số nhiệm vụ được giao"),
    ("tasks_done", "Số nhiệm vụ hoàn thành"),
    ("tasks_on_time", "Số nhiệm vụ đúng tiến độ"),
    ("tasks_exceeding", "Số nhiệm vụ vượt mức"),
    ("shortcomings_total", "Số hạn chế đã chỉ ra"),
    ("shortcomings_fixed", "Số hạn chế đã khắc phục"),
)
RATING_FIELDS = ("self_level", "comments", "shortcomings", "votes", "proposed_level", "proposal_ground", "assessment")
MEETING_FIELDS = (
    "held_on",
    "starts_at",
    "ends_at",
    "place",
    "chair_id",
    "minute_taker_id",
    "vote_method",
    "conclusions",
)


def votes_column(level: Level) -> str:
    return _("Số phiếu «%(level)s»") % {"level": level.label}


COLUMN_LABELS = {
    "proposed_level": "Chi bộ đề nghị xếp loại",
    "comments": "Ý kiến góp ý, phê bình",
    "shortcomings": "Hạn chế, khuyết điểm cần khắc phục",
    "proposal_ground": "Căn cứ đề nghị ngoại lệ",
    "present": "Có mặt",
    "absence_reason": "Lý do vắng",
    **dict(SCORE_FIELDS),
}


# -- reading ------------------------------------------------------------------------------------------------


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
    documents = cycle.guidance_documents.order_by("issued_on", "pk")
    if meeting is not None:
        guests = list(meeting.guests.all())
        attendance = {a.member_id: a for a in meeting.attendance.all()}
        chosen_rows = ReviewMeeting.guidance_documents.through.objects.filter(
            reviewmeeting_id=meeting.pk, guidancedocument_id=OuterRef("pk")
        )
        documents = documents.annotate(chosen=Exists(chosen_rows))
    documents = list(documents)
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


# -- the input ----------------------------------------------------------------------------------------------


@dataclass
class GuestEntry:
    full_name: str = ""
    title: str = ""
    unit_name: str = ""


@dataclass
class SubjectEntry:
    comments: str = ""
    shortcomings: str = ""
    votes: dict[str, int] = field(default_factory=dict)  # level value → count
    proposed_level: str = ""
    proposal_ground: str = ""
    assessment: dict[str, Decimal | int] = field(default_factory=dict)

    @property
    def is_blank(self) -> bool:
        return not (
            self.comments
            or self.shortcomings
            or any(self.votes.values())
            or self.proposed_level
            or self.proposal_ground
            or self.assessment
        )


@dataclass
class MeetingInput:
    held_on: datetime.date | None = None
    starts_at: datetime.time | None = None
    ends_at: datetime.time | None = None
    place: str = ""
    chair_id: int | None = None
    minute_taker_id: int | None = None
    vote_method: str = VoteMethod.SECRET_BALLOT
    conclusions: str = ""
    document_ids: set[int] = field(default_factory=set)
    guests: list[GuestEntry] = field(default_factory=list)
    attendance: dict[int, tuple[bool, str]] = field(default_factory=dict)  # member id → (present, reason)
    subjects: dict[str, SubjectEntry] = field(default_factory=dict)


class Errors(dict):
    """Field key → Vietnamese messages; ``add`` names the subject and the column in the message."""

    def add(self, key: str, message: str, *, who: str = "", column: str = "") -> None:
        prefix = " – ".join(part for part in (who, column) if part)
        self.setdefault(key, []).append(f"{prefix}: {message}" if prefix else message)


def subject_field(key: str, name: str) -> str:
    """The form field / error key of one subject's entry: ``m12-proposed_level``, ``o-votes-htxsnv``."""
    return f"{key}-{name}"


def input_from_stored(sheet: MeetingSheet) -> MeetingInput:
    """What is stored, as an input: the submit check runs the save checks on it again."""
    meeting = sheet.meeting
    data = MeetingInput()
    if meeting is not None:
        for name in MEETING_FIELDS:
            setattr(data, name, getattr(meeting, name))
        data.document_ids = set(sheet.chosen_documents)
        data.guests = [GuestEntry(g.full_name, g.title, g.unit_name) for g in sheet.guests]
    data.attendance = {
        member_id: (attendance.present, attendance.absence_reason) for member_id, attendance in sheet.attendance.items()
    }
    for subject in sheet.subjects:
        rating = subject.rating
        if rating is not None:
            data.subjects[subject.key] = SubjectEntry(
                comments=rating.comments,
                shortcomings=rating.shortcomings,
                votes={k: int(v) for k, v in (rating.votes or {}).items()},
                proposed_level=rating.proposed_level,
                proposal_ground=rating.proposal_ground,
                assessment={k: Decimal(str(v)) for k, v in (rating.assessment or {}).items()},
            )
    return data


# -- the checks ---------------------------------------------------------------------------------------------


def check_meeting(sheet: MeetingSheet, data: MeetingInput, *, today: datetime.date | None = None) -> list[str]:
    """Every error of ``data`` against the rules, raised together as one ValidationError keyed by field;
    returns the warnings (quorum) when there is no error."""
    errors = Errors()
    rules, period = sheet.rules, sheet.eligibility.period
    today = today or timezone.localdate()
    rows = {row.member.pk: row for row in sheet.members}

    # The meeting itself.
    if data.held_on is None:
        errors.add("held_on", _("Nhập ngày họp (dd/mm/yyyy)."), column=_("Ngày họp"))
    else:
        last = period.end
        if rules.timeline is not None:
            last = max(last, rules.timeline.finish_by(sheet.review.cycle.year, special_cycle=True))
        if not period.start <= data.held_on <= last:
            errors.add(
                "held_on",
                _("Ngày họp %(day)s nằm ngoài kỳ đánh giá (từ %(start)s đến %(end)s).")
                % {"day": fmt(data.held_on), "start": fmt(period.start), "end": fmt(last)},
                column=_("Ngày họp"),
            )
        if data.held_on > today:
            errors.add(
                "held_on",
                _("Ngày họp %(day)s chưa đến: chỉ ghi kết quả hội nghị đã họp.") % {"day": fmt(data.held_on)},
                column=_("Ngày họp"),
            )
    if data.starts_at and data.ends_at and data.ends_at <= data.starts_at:
        errors.add("ends_at", _("Giờ kết thúc phải sau giờ bắt đầu."), column=_("Kết thúc lúc"))
    if data.vote_method not in VoteMethod.values:
        errors.add("vote_method", _("Chọn hình thức biểu quyết."), column=_("Hình thức biểu quyết"))
    for name, label in (("chair_id", _("Chủ trì")), ("minute_taker_id", _("Thư ký"))):
        member_id = getattr(data, name)
        if member_id is None:
            continue
        if member_id not in rows:
            errors.add(name, _("Phải là đảng viên của chi bộ."), column=label)
        elif not data.attendance.get(member_id, (True, ""))[0]:
            errors.add(
                name,
                _("Đồng chí %(name)s vắng mặt, không thể là %(role)s.")
                % {"name": rows[member_id].member.full_name, "role": label.lower()},
                column=label,
            )
    unknown_documents = data.document_ids - {d.pk for d in sheet.documents}
    if unknown_documents:
        errors.add("documents", _("Chỉ chọn văn bản hướng dẫn của kỳ đánh giá."), column=_("Văn bản hướng dẫn"))
    for index, guest in enumerate(data.guests):
        if (guest.title or guest.unit_name) and not guest.full_name:
            errors.add(
                f"guest-{index}-full_name",
                _("Nhập họ và tên đại biểu."),
                who=_("Đại biểu %(n)s") % {"n": index + 1},
                column=_("Họ và tên"),
            )

    # Attendance.
    for member_id in data.attendance:
        if member_id not in rows:
            errors.add("attendance", _("Điểm danh có người không phải đảng viên của chi bộ."), column=_("Điểm danh"))
            break
    for member_id, row in rows.items():
        present, reason = data.attendance.get(member_id, (True, ""))
        if not present and not reason.strip():
            errors.add(
                f"a{member_id}-absence_reason",
                _("Đảng viên vắng mặt phải có lý do."),
                who=row.member.full_name,
                column=COLUMN_LABELS["absence_reason"],
            )
    present_ids = {m for m in rows if data.attendance.get(m, (True, ""))[0]}
    present = len(present_ids)
    on = data.held_on or period.end
    full_members = sum(1 for row in rows.values() if is_full_member(row, on))
    full_present = sum(1 for m in present_ids if is_full_member(rows[m], on))

    # Each subject.
    subjects = sheet.by_key
    for key, entry in data.subjects.items():
        subject = subjects.get(key)
        if subject is None:
            if not entry.is_blank:
                errors.add(f"{key}-proposed_level", _("Không phải đối tượng xếp loại của chi bộ trong kỳ này."))
            continue
        _check_subject(errors, sheet, subject, entry, present=present, full_members=full_members)

    if errors:
        raise ValidationError(dict(errors))
    warnings = []
    if full_members and not rules.quorum_met(full_present, full_members):
        warnings.append(
            _(
                "Hội nghị chưa đủ số đảng viên chính thức có mặt theo quy định (có mặt %(present)s/%(total)s, "
                "cần từ %(share)s trở lên): kiểm tra lại tính hợp lệ của hội nghị."
            )
            % {
                "present": full_present,
                "total": full_members,
                "share": f"{rules.quorum.numerator}/{rules.quorum.denominator}",
            }
        )
    return warnings


def _check_subject(
    errors: Errors, sheet: MeetingSheet, subject: SubjectRow, entry: SubjectEntry, *, present: int, full_members: int
) -> None:
    rules, who = sheet.rules, subject.name
    level_field = subject_field(subject.key, "proposed_level")
    if not subject.rated:
        if any(entry.votes.values()) or entry.proposed_level or entry.assessment:
            errors.add(
                level_field,
                _("Đồng chí không được xếp loại trong kỳ này (%(reason)s): không nhập biểu quyết, đề nghị xếp loại.")
                % {"reason": subject.reason or _("không thuộc đối tượng xếp loại")},
                who=who,
            )
        return
    for level_value, count in entry.votes.items():
        if level_value not in LEVEL_VALUES:
            errors.add(subject_field(subject.key, "votes"), _("Mức xếp loại không hợp lệ."), who=who)
        elif count < 0:
            errors.add(
                subject_field(subject.key, f"votes-{level_value}"),
                _("Số phiếu không được âm."),
                who=who,
                column=votes_column(Level(level_value)),
            )
    total_votes = sum(v for v in entry.votes.values() if v > 0)
    if total_votes > present:
        errors.add(
            subject_field(subject.key, "votes"),
            _("Tổng số phiếu (%(votes)s) nhiều hơn số đảng viên có mặt (%(present)s).")
            % {"votes": total_votes, "present": present},
            who=who,
            column=_("Kết quả biểu quyết"),
        )
    if not entry.proposed_level:
        if entry.proposal_ground:
            errors.add(
                subject_field(subject.key, "proposal_ground"),
                _("Chỉ ghi căn cứ ngoại lệ khi có đề nghị xếp loại."),
                who=who,
                column=COLUMN_LABELS["proposal_ground"],
            )
        return
    try:
        level = Level(entry.proposed_level)
    except ValueError:
        errors.add(level_field, _("Mức xếp loại không hợp lệ."), who=who, column=COLUMN_LABELS["proposed_level"])
        return
    column = COLUMN_LABELS["proposed_level"]
    # Caps: disciplined ⇒ not completed, long sick leave ⇒ at most completed (where the version says so)…
    for bound in subject.caps:
        if level.rank < bound.max_level.rank:
            errors.add(
                level_field,
                _("Không thể đề nghị «%(level)s»: %(rule)s — mức cao nhất là «%(max)s».")
                % {"level": level.label, "rule": bound.reason, "max": bound.max_level.label},
                who=who,
                column=column,
            )
    # The 2025 hard conditions, when the meeting entered the points and task counts.
    exception_needed = False
    if entry.assessment:
        exception_needed = _check_score(errors, sheet, subject, entry, level)
    if exception_needed and not entry.proposal_ground.strip():
        errors.add(
            subject_field(subject.key, "proposal_ground"),
            _(
                "Đề nghị «%(level)s» khi chưa đủ điều kiện của mức này chỉ được chấp nhận khi ghi rõ căn cứ "
                "(quy định chưa xác định trường hợp này là không hoàn thành nhiệm vụ)."
            )
            % {"level": level.label},
            who=who,
            column=COLUMN_LABELS["proposal_ground"],
        )
    elif entry.proposal_ground.strip() and not exception_needed:
        errors.add(
            subject_field(subject.key, "proposal_ground"),
            _("Đề nghị này không phải ngoại lệ: không ghi căn cứ ngoại lệ."),
            who=who,
            column=COLUMN_LABELS["proposal_ground"],
        )
    # Vote thresholds, where the cycle turns them on.
    if rules.vote_thresholds is not None:
        votes_for = entry.votes.get(level.value, 0)
        try:
            allowed = rules.votes_allow(level, votes_for, full_members)
        except ValueError as exc:
            errors.add(subject_field(subject.key, "votes"), str(exc), who=who, column=_("Kết quả biểu quyết"))
        else:
            if not allowed:
                share = rules.vote_thresholds.excellent if level is Level.EXCELLENT else rules.vote_thresholds.good
                wording = _("từ %(share)s trở lên") if level is Level.EXCELLENT else _("trên %(share)s")
                errors.add(
                    level_field,
                    _(
                        "Không thể đề nghị «%(level)s» với %(votes)s/%(total)s phiếu tán thành: kỳ đánh giá yêu cầu "
                        "%(need)s số đảng viên chính thức của chi bộ."
                    )
                    % {
                        "level": level.label,
                        "votes": votes_for,
                        "total": full_members,
                        "need": wording % {"share": _fraction(share)},
                    },
                    who=who,
                    column=column,
                )


def _fraction(share) -> str:
    return f"{share.numerator}/{share.denominator}"


def _check_score(errors: Errors, sheet: MeetingSheet, subject: SubjectRow, entry: SubjectEntry, level: Level) -> bool:
    """Check ``level`` against the 100-point method and its hard conditions; True when the proposal is the
    allowed exception (50 points or more, a condition of "completed" missed, the cycle keeps such a member
    "completed": ground required)."""
    rules, who = sheet.rules, subject.name
    if rules.score_rules is None:
        errors.add(
            subject_field(subject.key, "general"),
            _("Kỳ đánh giá này không chấm điểm theo thang 100 điểm."),
            who=who,
        )
        return False
    values = entry.assessment
    for name in ("general", "tasks"):
        if name not in values:
            errors.add(
                subject_field(subject.key, name),
                _("Nhập đủ hai nhóm điểm khi chấm điểm."),
                who=who,
                column=COLUMN_LABELS[name],
            )
    counts = {name: int(values.get(name, 0)) for name, _label in SCORE_FIELDS[2:]}
    if "general" not in values or "tasks" not in values:
        return False
    for done, total in (
        ("tasks_done", "tasks_total"),
        ("tasks_on_time", "tasks_done"),
        ("tasks_exceeding", "tasks_done"),
        ("shortcomings_fixed", "shortcomings_total"),
    ):
        if counts[done] > counts[total]:
            errors.add(
                subject_field(subject.key, done),
                _("Không được lớn hơn «%(total)s».") % {"total": COLUMN_LABELS[total]},
                who=who,
                column=COLUMN_LABELS[done],
            )
            return False
    try:
        outcome = rules.score_outcome(ScoreAssessment(values["general"], values["tasks"], ScoreConditions(**counts)))
    except ValueError as exc:
        errors.add(subject_field(subject.key, "general"), str(exc), who=who, column=_("Điểm"))
        return False
    if level.rank >= outcome.level.rank:
        # 50 points or more and a condition of "completed" missed: RULES.md leaves open whether that is "not
        # completed"; under the cycle's default reading the member stays "completed" — an exception the cell
        # keeps only with its ground recorded.
        return level is Level.COMPLETED and STAYS_COMPLETED_REASON in outcome.reasons
    errors.add(
        subject_field(subject.key, "proposed_level"),
        _("Không thể đề nghị «%(level)s»: %(rule)s — mức cao nhất là «%(max)s».")
        % {
            "level": level.label,
            "rule": "; ".join(outcome.reasons) or _("số điểm chưa đạt"),
            "max": outcome.level.label,
        },
        who=who,
        column=COLUMN_LABELS["proposed_level"],
    )
    return False


# -- writing ------------------------------------------------------------------------------------------------


def _require_editable(review: UnitReview) -> None:
    if review.state not in CELL_EDITABLE:
        raise ValidationError(
            _("Chi bộ đã gửi đề nghị xếp loại (%(state)s): rút lại đề nghị trước khi sửa kết quả hội nghị.")
            % {"state": UnitReviewState(review.state).label}
        )


@dataclass
class SaveResult:
    meeting: ReviewMeeting
    warnings: list[str]
    changed: int  # audit entries written


def meeting_save(*, actor: Actor, review: UnitReview, data: MeetingInput, revision: int | None = None) -> SaveResult:
    """Check and record the whole meeting in one transaction: header, guests, attendance, every subject's
    comments, tally and proposal. Nothing is written when any check fails (a ValidationError keyed by field)."""
    require_actor(actor, Perm.HOLD_MEETING, review)
    with transaction.atomic():
        review = review_lock(review, revision=revision)
        _require_editable(review)
        sheet = meeting_sheet(review)
        warnings = check_meeting(sheet, data)
        entries: list[AuditEntry] = []

        meeting = sheet.meeting
        created = meeting is None
        before = None if created else snapshot(meeting, MEETING_FIELDS)
        if created:
            meeting = ReviewMeeting(unit_review=review)
        for name in MEETING_FIELDS:
            setattr(meeting, name, getattr(data, name))
        meeting.place = meeting.place.strip()
        meeting.conclusions = meeting.conclusions.strip()
        after = snapshot(meeting, MEETING_FIELDS)
        before_docs, after_docs = sorted(sheet.chosen_documents), sorted(data.document_ids)
        before_guests = [str(g) + (f" ({g.unit_name})" if g.unit_name else "") for g in sheet.guests]
        guests = [
            MeetingGuest(
                full_name=g.full_name.strip(), title=g.title.strip(), unit_name=g.unit_name.strip(), position=i
            )
            for i, g in enumerate(gg for gg in data.guests if gg.full_name.strip())
        ]
        after_guests = [str(g) + (f" ({g.unit_name})" if g.unit_name else "") for g in guests]
        if created or before != after or before_docs != after_docs or before_guests != after_guests:
            meeting.save()
            old, new = (before or {}), after
            if before_docs != after_docs:
                old, new = {**old, "guidance_documents": before_docs}, {**new, "guidance_documents": after_docs}
            if before_guests != after_guests:
                old, new = {**old, "guests": before_guests}, {**new, "guests": after_guests}
            if not created:
                old, new = _diff(old, new)
            entries.append(
                audit_entry(
                    actor=actor,
                    action="meeting.created" if created else "meeting.updated",
                    obj=meeting,
                    before=None if created else old,
                    after=new,
                )
            )
        if before_docs != after_docs:
            meeting.guidance_documents.set(data.document_ids)
        if before_guests != after_guests:
            if not created:
                meeting.guests.all().delete()
            for guest in guests:
                guest.meeting = meeting
            MeetingGuest.objects.bulk_create(guests)

        # Attendance: one row per member of the cell.
        new_rows, changed_rows, att_before, att_after = [], [], {}, {}
        for row in sheet.members:
            present, reason = data.attendance.get(row.member.pk, (True, ""))
            reason = "" if present else reason.strip()
            current = sheet.attendance.get(row.member.pk)
            if current is None:
                new_rows.append(Attendance(meeting=meeting, member=row.member, present=present, absence_reason=reason))
                att_after[row.member.full_name] = _attendance_text(present, reason)
            elif (current.present, current.absence_reason) != (present, reason):
                att_before[row.member.full_name] = _attendance_text(current.present, current.absence_reason)
                current.present, current.absence_reason = present, reason
                changed_rows.append(current)
                att_after[row.member.full_name] = _attendance_text(present, reason)
        Attendance.objects.bulk_create(new_rows)
        if changed_rows:
            Attendance.objects.bulk_update(changed_rows, ["present", "absence_reason"])
        if att_after:
            entries.append(
                audit_entry(
                    actor=actor, action="meeting.attendance", obj=meeting, before=att_before or None, after=att_after
                )
            )

        # Every rated subject's rating.
        new_ratings, changed_ratings, changed_fields = [], [], set()
        now = timezone.now()
        for subject in sheet.subjects:
            if not subject.rated:
                continue
            entry = data.subjects.get(subject.key, SubjectEntry())
            values = {
                "self_level": subject.self_level,
                "comments": entry.comments.strip(),
                "shortcomings": entry.shortcomings.strip(),
                "votes": {k: int(v) for k, v in entry.votes.items() if v},
                "proposed_level": entry.proposed_level,
                "proposal_ground": entry.proposal_ground.strip(),
                "assessment": {k: str(v) for k, v in entry.assessment.items()},
            }
            rating = subject.rating
            if rating is None:
                if entry.is_blank and not subject.self_level:
                    continue
                rating = Rating(
                    unit_review=review,
                    subject=subject.subject.value,
                    member=subject.member,
                    unit=None if subject.member is not None else review.unit,
                    **values,
                )
                new_ratings.append((rating, subject))
                continue
            old = snapshot(rating, RATING_FIELDS)
            for name, value in values.items():
                setattr(rating, name, value)
            old_changed, new_changed = _diff(old, snapshot(rating, RATING_FIELDS))
            if not new_changed:
                continue
            rating.updated_at = now
            changed_ratings.append(rating)
            changed_fields.update(new_changed)
            entries.append(
                audit_entry(
                    actor=actor,
                    action="rating.proposed",
                    obj=rating,
                    before=old_changed,
                    after=new_changed,
                    note=subject.name,
                )
            )
        Rating.objects.bulk_create([r for r, _s in new_ratings])
        for rating, subject in new_ratings:
            rating.unit_review = review
            entries.append(
                audit_entry(
                    actor=actor,
                    action="rating.proposed",
                    obj=rating,
                    before=None,
                    after=snapshot(rating, RATING_FIELDS),
                    note=subject.name,
                )
            )
        if changed_ratings:
            # Only the columns that changed somewhere: each one is a CASE over every row, costly to build.
            Rating.objects.bulk_update(changed_ratings, [*sorted(changed_fields), "updated_at"])
        if entries:
            AuditEntry.objects.bulk_create(entries)
            review_touch(review)
        return SaveResult(meeting=meeting, warnings=warnings, changed=len(entries))


def _attendance_text(present: bool, reason: str) -> str:
    return "có mặt" if present else f"vắng: {reason}"


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def submit_problems(sheet: MeetingSheet) -> list[str]:
    """Why the proposals cannot be sent yet (empty when they can)."""
    problems = []
    if sheet.meeting is None or sheet.meeting.held_on is None:
        return [_("Chưa ghi kết quả hội nghị kiểm điểm.")]
    try:
        check_meeting(sheet, input_from_stored(sheet))
    except ValidationError as exc:
        problems.extend(message for messages in exc.message_dict.values() for message in messages)
    missing = [s.name for s in sheet.subjects if s.rated and not (s.rating and s.rating.proposed_level)]
    if missing:
        problems.append(_("Chưa có đề nghị xếp loại: %(names)s.") % {"names": ", ".join(missing)})
    return problems


def proposals_submit(*, actor: Actor, review: UnitReview, revision: int | None = None) -> ProposalRound:
    """Send the cell's proposals to the superior committee: a new round with a snapshot of every proposal;
    the cell's entries are locked until the committee returns them or the cell withdraws them."""
    require_actor(actor, Perm.HOLD_MEETING, review)
    with transaction.atomic():
        review = review_lock(review, revision=revision)
        if review.state not in (UnitReviewState.NOT_STARTED, UnitReviewState.IN_PROGRESS, UnitReviewState.RETURNED):
            raise ValidationError(
                _("Không thể gửi đề nghị khi phần việc của chi bộ đang ở trạng thái «%(state)s».")
                % {"state": UnitReviewState(review.state).label}
            )
        sheet = meeting_sheet(review)
        problems = submit_problems(sheet)
        if problems:
            raise ValidationError(problems)
        to = UnitReviewState.RESUBMITTED if review.state == UnitReviewState.RETURNED else UnitReviewState.SUBMITTED
        proposals = [
            {
                "subject": s.subject.value,
                "member_id": s.member.pk if s.member else None,
                "unit_id": None if s.member else review.unit_id,
                "name": s.name,
                "self_level": s.rating.self_level,
                "proposed_level": s.rating.proposed_level,
                "votes": s.rating.votes,
                "proposal_ground": s.rating.proposal_ground,
            }
            for s in sheet.subjects
            if s.rated and s.rating is not None
        ]
        last = review.rounds.order_by("-number").values_list("number", flat=True).first() or 0
        round_ = ProposalRound.objects.create(
            unit_review=review,
            number=last + 1,
            proposals=proposals,
            submitted_at=timezone.now(),
            submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        review_transition(
            review,
            to,
            actor=actor,
            action="unit_review.resubmitted" if to == UnitReviewState.RESUBMITTED else "unit_review.submitted",
            note=sheet.summary_line(),
        )
        AuditEntry.objects.bulk_create(
            [audit_entry(actor=actor, action="proposal_round.submitted", obj=round_, after={"proposals": proposals})]
        )
        notify_proposals_submitted(review, actor=actor)  # the superior committee's staff learn of it
        return round_


def proposals_withdraw(*, actor: Actor, review: UnitReview, revision: int | None = None) -> ProposalRound:
    """Take the proposals back while the superior committee has not acted on them."""
    require_actor(actor, Perm.HOLD_MEETING, review)
    with transaction.atomic():
        review = review_lock(review, revision=revision)
        if review.state not in (UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED):
            raise ValidationError(_("Chi bộ chưa gửi đề nghị nào đang chờ cấp trên xem xét."))
        round_ = review.rounds.order_by("-number").first()
        acted = Rating.objects.filter(unit_review=review).exclude(decided_level="").exists()
        if round_ is None or round_.outcome != RoundOutcome.PENDING or acted:
            raise ValidationError(_("Cấp ủy cấp trên đã xem xét đề nghị: không thể rút lại."))
        before = snapshot(round_, ["outcome", "outcome_at"])
        round_.outcome = RoundOutcome.WITHDRAWN
        round_.outcome_at = timezone.now()
        round_.outcome_by = actor if getattr(actor, "is_authenticated", False) else None
        round_.save(update_fields=["outcome", "outcome_at", "outcome_by"])
        review_transition(review, UnitReviewState.IN_PROGRESS, actor=actor, action="unit_review.withdrawn")
        AuditEntry.objects.bulk_create(
            [
                audit_entry(
                    actor=actor,
                    action="proposal_round.withdrawn",
                    obj=round_,
                    before=before,
                    after=snapshot(round_, ["outcome", "outcome_at"]),
                )
            ]
        )
        return round_
