"""The cell's review meeting (hội nghị kiểm điểm) and its proposals: record, submit, withdraw.

``meeting_save`` checks a whole meeting at once (``meeting_checks.check_meeting``: every error is collected,
named by subject and column, and nothing is written unless all of it is valid) on the sheet re-read under the
work item's lock (``selectors.meetings.meeting_sheet``), then writes it in one transaction with bulk queries whose
number does not grow with the number of members, and audits every change before/after. ``proposals_submit``
sends the proposals to the superior committee (locking the cell's entries) and ``proposals_withdraw`` takes them
back while the committee has not acted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_entry, snapshot
from party_units.access import Actor, Perm, require_actor

from ..meeting_input import MEETING_FIELDS, MeetingInput, SubjectEntry
from ..models import (
    Attendance,
    MeetingGuest,
    ProposalRound,
    Rating,
    ReviewMeeting,
    RoundOutcome,
    UnitReview,
    UnitReviewState,
)
from ..selectors.meetings import meeting_sheet
from .decisions import notify_proposals_submitted
from .meeting_checks import check_meeting, submit_problems
from .progress import CELL_EDITABLE, review_lock, review_touch, review_transition

RATING_FIELDS = ("self_level", "comments", "shortcomings", "votes", "proposed_level", "proposal_ground", "assessment")


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
