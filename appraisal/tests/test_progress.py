import pytest
from django.core.exceptions import ValidationError

from appraisal.models import CycleState, UnitReviewState
from appraisal.services import ConflictError, review_lock, review_touch, review_transition
from audit.models import AuditEntry
from party_units.models import UnitKind
from party_units.tests.personas import make_unit

from .factories import cycle as make_cycle

pytestmark = pytest.mark.django_db


def _review():
    ward = make_unit(None, "Đảng ủy phường Thử", UnitKind.COMMITTEE, "Đảng ủy phường", "ĐU")
    cell = make_unit(ward, "Chi bộ Thử")
    cycle = make_cycle(ward, opened=True)
    return cycle, cycle.unit_reviews.get(unit=cell)


def test_touch_starts_the_work_and_bumps_the_revision():
    _cycle, review = _review()
    locked = review_lock(review)
    review_touch(locked)
    review.refresh_from_db()
    assert (review.state, review.revision) == (UnitReviewState.IN_PROGRESS, 1)


def test_a_stale_revision_is_a_conflict():
    _cycle, review = _review()
    review_touch(review_lock(review))
    with pytest.raises(ConflictError):
        review_lock(review, revision=0)


def test_illegal_transition_is_refused_and_leaves_no_audit_entry():
    _cycle, review = _review()
    with pytest.raises(ValidationError, match="Không thể chuyển"):
        review_transition(review_lock(review), UnitReviewState.APPROVED, actor=None, action="unit_review.approved")
    review.refresh_from_db()
    assert review.state == UnitReviewState.NOT_STARTED
    assert not AuditEntry.objects.filter(action="unit_review.approved").exists()


def test_allowed_transition_is_audited():
    _cycle, review = _review()
    review_transition(review_lock(review), UnitReviewState.SUBMITTED, actor=None, action="unit_review.submitted")
    entry = AuditEntry.objects.get(action="unit_review.submitted")
    assert (entry.before, entry.after) == ({"state": "not_started"}, {"state": "submitted"})


def test_a_closed_cycle_refuses_every_change():
    cycle, review = _review()
    cycle.state = CycleState.CLOSED
    cycle.save()
    with pytest.raises(ValidationError, match="đã kết thúc"):
        review_lock(review)
