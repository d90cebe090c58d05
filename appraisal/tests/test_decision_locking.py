"""Item 4: approved results are read-only everywhere — the meeting, the self-reviews, the proposals — until a
superior reopens the unit with a reason; after the reopening the cell may work again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from appraisal.models import UnitReviewState
from appraisal.services import meetings as svc
from appraisal.services import proposals_approve, review_reopen
from appraisal.services.self_reviews import SelfReviewEntry, self_review_save
from appraisal.tests.test_meeting_checks import full_input, setup

pytestmark = pytest.mark.django_db


def test_approved_results_are_read_only_until_reopened(personas):
    review = setup(personas)
    svc.meeting_save(actor=personas.sec_a1, review=review, data=full_input(review))
    svc.proposals_submit(actor=personas.sec_a1, review=review)
    review.refresh_from_db()
    proposals_approve(actor=personas.staff_a, review=review)
    review.refresh_from_db()
    assert review.state == UnitReviewState.APPROVED
    with pytest.raises(ValidationError):
        svc.meeting_save(actor=personas.sec_a1, review=review, data=full_input(review))
    with pytest.raises(ValidationError):
        svc.proposals_withdraw(actor=personas.sec_a1, review=review)
    with pytest.raises(ValidationError):
        svc.proposals_submit(actor=personas.sec_a1, review=review)
    with pytest.raises(ValidationError, match="không thể sửa"):
        self_review_save(
            actor=personas.member_a1, unit_review=review, member=personas.member_record_a1, entry=SelfReviewEntry()
        )
    review_reopen(actor=personas.staff_a, review=review, reason="Sửa biên bản")
    review.refresh_from_db()
    svc.meeting_save(actor=personas.sec_a1, review=review, data=full_input(review))
    svc.proposals_submit(actor=personas.sec_a1, review=review)
    review.refresh_from_db()
    assert review.state == UnitReviewState.SUBMITTED
