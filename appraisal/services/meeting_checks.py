"""The checks of a cell's review meeting: ``check_meeting`` collects every error of a ``MeetingInput`` against
the cycle's rule set at once — the header, the guests, the attendance, each subject's tally, caps, 100-point
conditions, exception ground and vote thresholds — keyed by field and worded "subject – column: message", and
returns the warnings (quorum); ``submit_problems`` says why stored proposals cannot be sent yet. Reads nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..meeting_input import (
    COLUMN_LABELS,
    LEVEL_VALUES,
    MEETING_FIELDS,
    SCORE_FIELDS,
    Errors,
    GuestEntry,
    MeetingInput,
    SubjectEntry,
    subject_field,
    votes_column,
)
from ..models import VoteMethod, fmt
from ..rules import Level, ScoreAssessment, ScoreConditions
from ..rules.terms import STAYS_COMPLETED_REASON
from ..selectors.meetings import MeetingSheet, SubjectRow, is_full_member


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
        is_present, reason = data.attendance.get(member_id, (True, ""))
        if not is_present and not reason.strip():
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


def submit_problems(sheet: MeetingSheet) -> list[str]:
    """Why the proposals cannot be sent yet (empty when they can)."""
    problems: list[str] = []
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
