"""Submitting the cell's proposals locks its entries; the secretary may withdraw them until the committee acts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from appraisal.models import ProposalRound, Rating, RoundOutcome, UnitReviewState
from appraisal.services import meetings as svc
from appraisal.services.progress import review_lock, review_transition
from appraisal.tests import factories as f
from appraisal.tests.test_meeting_checks import full_input, setup
from audit.models import AuditEntry


def submitted(personas):
    review = setup(personas)
    svc.meeting_save(actor=personas.sec_a1, review=review, data=full_input(review))
    svc.proposals_submit(actor=personas.sec_a1, review=review)
    review.refresh_from_db()
    return review


@pytest.mark.django_db
def test_submit_sends_a_round_with_every_proposal_and_locks_the_entries(personas):
    review = submitted(personas)
    assert review.state == UnitReviewState.SUBMITTED
    round_ = ProposalRound.objects.get(unit_review=review)
    assert round_.number == 1 and round_.outcome == RoundOutcome.PENDING
    assert round_.submitted_by == personas.sec_a1
    assert sorted(p["name"] for p in round_.proposals) == sorted(
        ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Chi bộ A1"]
    )
    entry = AuditEntry.objects.get(action="unit_review.submitted")
    assert (entry.before, entry.after) == ({"state": "in_progress"}, {"state": "submitted"})
    assert entry.note.startswith("Đối với chi bộ đề nghị xếp loại hoàn thành tốt nhiệm vụ; đối với đảng viên 03/03")

    with pytest.raises(ValidationError) as exc:
        svc.meeting_save(actor=personas.sec_a1, review=review, data=full_input(review, level="htxsnv"))
    assert "rút lại đề nghị trước khi sửa" in exc.value.messages[0]
    assert not Rating.objects.filter(proposed_level="htxsnv").exists()


@pytest.mark.django_db
def test_submit_is_refused_while_a_rated_subject_has_no_proposal(personas):
    review = setup(personas)
    data = full_input(review)
    data.subjects.pop("o")
    svc.meeting_save(actor=personas.sec_a1, review=review, data=data)
    with pytest.raises(ValidationError) as exc:
        svc.proposals_submit(actor=personas.sec_a1, review=review)
    assert exc.value.messages == ["Chưa có đề nghị xếp loại: Chi bộ A1."]
    review.refresh_from_db()
    assert review.state == UnitReviewState.IN_PROGRESS
    assert not ProposalRound.objects.exists()


@pytest.mark.django_db
def test_submit_is_refused_without_a_meeting(personas):
    review = setup(personas)
    with pytest.raises(ValidationError) as exc:
        svc.proposals_submit(actor=personas.sec_a1, review=review)
    assert exc.value.messages == ["Chưa ghi kết quả hội nghị kiểm điểm."]


@pytest.mark.django_db
def test_submit_rechecks_the_stored_proposals_against_facts_learnt_since(personas):
    from members.models import DisciplineLevel, MemberStatus, StatusKind

    review = setup(personas)
    svc.meeting_save(actor=personas.sec_a1, review=review, data=full_input(review))
    MemberStatus.objects.create(
        member=personas.member_record_a1,
        kind=StatusKind.DISCIPLINED,
        start_date=datetime.date(2021, 10, 1),
        discipline_level=DisciplineLevel.REPRIMAND,
    )
    with pytest.raises(ValidationError) as exc:
        svc.proposals_submit(actor=personas.sec_a1, review=review)
    assert "Bị thi hành kỷ luật" in exc.value.messages[0]


@pytest.mark.django_db
def test_withdraw_reopens_the_entries_and_records_the_round_as_withdrawn(personas):
    review = submitted(personas)
    svc.proposals_withdraw(actor=personas.sec_a1, review=review)
    review.refresh_from_db()
    assert review.state == UnitReviewState.IN_PROGRESS
    round_ = ProposalRound.objects.get(unit_review=review)
    assert round_.outcome == RoundOutcome.WITHDRAWN and round_.outcome_by == personas.sec_a1
    entry = AuditEntry.objects.get(action="unit_review.withdrawn")
    assert (entry.before, entry.after) == ({"state": "submitted"}, {"state": "in_progress"})
    # Editable again, and a second submission is round 2.
    svc.meeting_save(actor=personas.sec_a1, review=review, data=full_input(review, level="htxsnv", votes={}))
    svc.proposals_submit(actor=personas.sec_a1, review=review)
    assert list(ProposalRound.objects.values_list("number", "outcome")) == [(1, "withdrawn"), (2, "pending")]


@pytest.mark.django_db
def test_withdraw_is_refused_once_the_committee_has_acted(personas):
    review = submitted(personas)
    Rating.objects.filter(unit_review=review, subject="organisation").update(decided_level="httnv")
    with pytest.raises(ValidationError) as exc:
        svc.proposals_withdraw(actor=personas.sec_a1, review=review)
    assert exc.value.messages == ["Cấp ủy cấp trên đã xem xét đề nghị: không thể rút lại."]
    review.refresh_from_db()
    assert review.state == UnitReviewState.SUBMITTED


@pytest.mark.django_db
def test_withdraw_is_refused_when_nothing_is_pending(personas):
    review = setup(personas)
    with pytest.raises(ValidationError):
        svc.proposals_withdraw(actor=personas.sec_a1, review=review)


@pytest.mark.django_db
def test_after_a_return_the_cell_edits_and_resubmits(personas):
    review = submitted(personas)
    locked = review_lock(review)
    review_transition(locked, UnitReviewState.RETURNED, actor=personas.staff_a, action="unit_review.returned")
    ProposalRound.objects.update(outcome=RoundOutcome.RETURNED)
    review.refresh_from_db()
    svc.meeting_save(actor=personas.sec_a1, review=review, data=full_input(review, level="htnv", votes={}))
    svc.proposals_submit(actor=personas.sec_a1, review=review)
    review.refresh_from_db()
    assert review.state == UnitReviewState.RESUBMITTED
    assert AuditEntry.objects.filter(action="unit_review.resubmitted").exists()
    # A resubmission may be withdrawn too while the committee has not acted.
    svc.proposals_withdraw(actor=personas.sec_a1, review=review)
    review.refresh_from_db()
    assert review.state == UnitReviewState.IN_PROGRESS


@pytest.mark.django_db
def test_a_stale_form_gets_a_conflict(personas):
    from appraisal.services.progress import ConflictError

    review = setup(personas)
    svc.meeting_save(actor=personas.sec_a1, review=review, data=full_input(review))
    with pytest.raises(ConflictError):
        svc.proposals_submit(actor=personas.sec_a1, review=review, revision=0)


@pytest.mark.django_db
def test_ward_staff_may_not_submit_for_the_cell(personas):
    from django.core.exceptions import PermissionDenied

    review = setup(personas)
    svc.meeting_save(actor=personas.sec_a1, review=review, data=full_input(review))
    with pytest.raises(PermissionDenied):
        svc.proposals_submit(actor=personas.staff_a, review=review)
    assert f.review_of(review.cycle, personas.cell_a1).state == UnitReviewState.IN_PROGRESS


@pytest.mark.django_db
def test_the_ward_staff_are_notified_of_a_submission(personas):
    from appraisal.models import Notification

    submitted(personas)
    notice = Notification.objects.get(user=personas.staff_a)
    assert notice.text == "Chi bộ A1 đã gửi đề nghị xếp loại (đã gửi đề nghị)."
    assert not Notification.objects.filter(user=personas.staff_b).exists()
