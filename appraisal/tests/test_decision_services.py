"""The committee decides a cell's proposals: approve, adjust with a reason, return, reopen, bulk; the state
machine is enforced by the services and every change is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appraisal.models import CycleState, ProposalRound, Rating, RoundOutcome, UnitReview, UnitReviewState
from appraisal.rules import Subject
from appraisal.services import (
    ConflictError,
    Decision,
    proposals_approve,
    proposals_approve_many,
    proposals_return,
    review_reopen,
)
from audit.models import AuditEntry

from .factories import cycle as make_cycle
from .factories import propose

pytestmark = pytest.mark.django_db
E, G, C, N = "htxsnv", "httnv", "htnv", "khtnv"


@pytest.fixture
def ward_cycle(personas):
    return make_cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)


def review_of(cycle, unit):
    return UnitReview.objects.select_related("unit", "cycle").get(root_id=cycle.root_id_or_self, unit=unit)


def submitted(cycle, unit, levels=(G, G, G, G, G), **kw):
    return propose(review_of(cycle, unit), levels=list(levels), **kw)


def actions():
    """The audit entries of decisions (not those of creating and opening the cycle)."""
    entries = AuditEntry.objects.exclude(action__startswith="review_cycle.").order_by("id")
    return list(entries.values_list("action", flat=True))


def test_approving_as_proposed_decides_every_rating_closes_the_round_and_audits_each_change(personas, ward_cycle):
    review = submitted(ward_cycle, personas.cell_a1)
    proposals_approve(actor=personas.staff_a, review=review, revision=review.revision)
    review.refresh_from_db()
    assert review.state == UnitReviewState.APPROVED
    ratings = Rating.objects.filter(unit_review=review)
    assert ratings.count() == 6
    assert all(r.decided_level == r.proposed_level and r.decided_by == personas.staff_a for r in ratings)
    assert ProposalRound.objects.get(unit_review=review).outcome == RoundOutcome.APPROVED
    assert actions() == ["rating.decided"] * 6 + ["proposal_round.approved", "unit_review.approved"]
    entry = AuditEntry.objects.filter(action="rating.decided").first()
    assert entry.before["decided_level"] == "" and entry.after["decided_level"] == G
    assert entry.actor == personas.staff_a


def test_adjusting_a_level_needs_a_reason_and_keeps_every_stage_side_by_side(personas, ward_cycle):
    review = submitted(ward_cycle, personas.cell_a1)
    target = Rating.objects.filter(unit_review=review, subject=Subject.MEMBER).first()
    with pytest.raises(ValidationError, match="cần ghi rõ lý do"):
        proposals_approve(actor=personas.staff_a, review=review, decisions={target.pk: Decision(C)})
    review.refresh_from_db()
    assert review.state == UnitReviewState.SUBMITTED
    assert not AuditEntry.objects.filter(action__startswith="rating.").exists()
    proposals_approve(
        actor=personas.staff_a, review=review, decisions={target.pk: Decision(C, "  Chưa khắc phục  khuyết điểm ")}
    )
    target.refresh_from_db()
    assert (target.self_level, target.proposed_level, target.decided_level) == (G, G, C)
    assert target.decision_reason == "Chưa khắc phục khuyết điểm"


def test_a_bad_level_and_a_rating_without_any_level_are_refused_with_every_message(personas, ward_cycle):
    review = submitted(ward_cycle, personas.cell_a1, levels=(G, G))
    first, second = Rating.objects.filter(unit_review=review, subject=Subject.MEMBER)
    Rating.objects.filter(pk=second.pk).update(proposed_level="")
    with pytest.raises(ValidationError) as raised:
        proposals_approve(actor=personas.staff_a, review=review, decisions={first.pk: Decision("xyz", "lý do")})
    assert len(raised.value.messages) == 2
    assert "không hợp lệ" in raised.value.messages[0] and "chưa có mức đề nghị" in raised.value.messages[1]


def test_the_cell_itself_must_be_rated_and_the_committee_may_rate_it(personas, ward_cycle):
    review = submitted(ward_cycle, personas.cell_a1, unit_level=None)
    with pytest.raises(ValidationError, match="chính Chi bộ A1"):
        proposals_approve(actor=personas.staff_a, review=review)
    proposals_approve(actor=personas.staff_a, review=review, unit_level=G, unit_reason="Theo báo cáo của chi bộ")
    own = Rating.objects.get(unit_review=review, subject=Subject.ORGANISATION)
    assert (own.unit, own.decided_level, own.decision_reason) == (personas.cell_a1, G, "Theo báo cáo của chi bộ")
    assert AuditEntry.objects.filter(action="rating.created").count() == 1


def test_returning_needs_a_reason_and_the_history_of_both_rounds_is_kept(personas, ward_cycle):
    review = submitted(ward_cycle, personas.cell_a1, levels=(E, G, G, G, G))
    with pytest.raises(ValidationError, match="lý do"):
        proposals_return(actor=personas.staff_a, review=review, reason="  ")
    proposals_return(actor=personas.staff_a, review=review, reason="Thiếu biên bản kiểm phiếu")
    review.refresh_from_db()
    assert review.state == UnitReviewState.RETURNED
    first = ProposalRound.objects.get(unit_review=review, number=1)
    assert (first.outcome, first.outcome_reason, first.outcome_by) == (
        RoundOutcome.RETURNED,
        "Thiếu biên bản kiểm phiếu",
        personas.staff_a,
    )
    returned = AuditEntry.objects.get(action="unit_review.returned")
    assert returned.note == "Thiếu biên bản kiểm phiếu"
    # The cell corrects and resubmits (the meeting's service; here built directly): a second round.
    Rating.objects.filter(unit_review=review).delete()
    review = propose(review, levels=[G] * 5, state=UnitReviewState.RESUBMITTED)
    proposals_approve(actor=personas.staff_a, review=review)
    rounds = list(ProposalRound.objects.filter(unit_review=review).values_list("number", "outcome"))
    assert rounds == [(1, RoundOutcome.RETURNED), (2, RoundOutcome.APPROVED)]


def test_reopening_needs_a_reason_and_lets_the_cell_work_again(personas, ward_cycle):
    review = submitted(ward_cycle, personas.cell_a1)
    proposals_approve(actor=personas.staff_a, review=review)
    with pytest.raises(ValidationError, match="lý do"):
        review_reopen(actor=personas.staff_a, review=review, reason="")
    review_reopen(actor=personas.staff_a, review=review, reason="Phát hiện sai sót tại biên bản")
    review.refresh_from_db()
    assert review.state == UnitReviewState.IN_PROGRESS
    assert AuditEntry.objects.get(action="unit_review.reopened").note == "Phát hiện sai sót tại biên bản"
    # The decision no longer stands on the ratings; its values stay in the audit log.
    assert not Rating.objects.filter(unit_review=review).exclude(decided_level="").exists()
    withdrawn = AuditEntry.objects.filter(action="rating.decision_withdrawn")
    assert withdrawn.count() == 6 and {e.before["decided_level"] for e in withdrawn} == {G}


ALL_STATES = [state.value for state in UnitReviewState]
ALLOWED = {
    "approve": {UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED},
    "return": {UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED},
    "reopen": {UnitReviewState.APPROVED},
}


def _act(action, actor, review):
    if action == "approve":
        return proposals_approve(actor=actor, review=review)
    if action == "return":
        return proposals_return(actor=actor, review=review, reason="Lý do")
    return review_reopen(actor=actor, review=review, reason="Lý do")


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
@pytest.mark.parametrize("state", ALL_STATES)
def test_every_state_transition_of_the_decision_is_allowed_or_refused_by_the_service(
    personas, ward_cycle, action, state
):
    review = submitted(ward_cycle, personas.cell_a1, state=state)
    before = len(actions())
    expected = {
        "approve": UnitReviewState.APPROVED,
        "return": UnitReviewState.RETURNED,
        "reopen": UnitReviewState.IN_PROGRESS,
    }[action]
    if state in ALLOWED[action]:
        _act(action, personas.staff_a, review)
        review.refresh_from_db()
        assert review.state == expected
        assert AuditEntry.objects.filter(action__startswith="unit_review.").count() == 1
    else:
        with pytest.raises(ValidationError):
            _act(action, personas.staff_a, review)
        review.refresh_from_db()
        assert review.state == state
        assert len(actions()) == before


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_only_the_committee_above_decides(personas, ward_cycle, action):
    state = UnitReviewState.APPROVED if action == "reopen" else UnitReviewState.SUBMITTED
    cell_review = submitted(ward_cycle, personas.cell_a1, state=state)
    for wrong in (personas.sec_a1, personas.staff_b, personas.member_a1, personas.outsider):
        with pytest.raises(PermissionDenied):
            _act(action, wrong, cell_review)
    # The ward's own ratings are decided above the ward: its own staff may not.
    ward_review = propose(review_of(ward_cycle, personas.ward_a), levels=[G], state=state)
    with pytest.raises(PermissionDenied):
        _act(action, personas.staff_a, ward_review)
    _act(action, personas.higher, ward_review)
    _act(action, personas.staff_a, cell_review)
    assert not AuditEntry.objects.filter(actor__in=[personas.sec_a1, personas.staff_b]).exists()


def test_a_closed_cycle_refuses_every_decision(personas, ward_cycle):
    review = submitted(ward_cycle, personas.cell_a1)
    ward_cycle.state = CycleState.CLOSED
    ward_cycle.save()
    for action in ("approve", "return", "reopen"):
        with pytest.raises(ValidationError, match="đã kết thúc"):
            _act(action, personas.staff_a, review)


def test_a_form_drawn_from_an_older_revision_is_a_conflict_and_changes_nothing(personas, ward_cycle):
    review = submitted(ward_cycle, personas.cell_a1)
    old = review.revision
    proposals_return(actor=personas.staff_a, review=review, reason="Bổ sung", revision=old)
    with pytest.raises(ConflictError, match="Người khác vừa thay đổi"):
        proposals_approve(actor=personas.staff_a, review=review, revision=old)
    assert not Rating.objects.filter(unit_review=review).exclude(decided_level="").exists()


def test_bulk_approval_checks_each_unit_and_reports_the_refusals(personas, ward_cycle):
    first = submitted(ward_cycle, personas.cell_a1)
    second = submitted(ward_cycle, personas.cell_a2, state=UnitReviewState.IN_PROGRESS)
    results = proposals_approve_many(
        actor=personas.staff_a, reviews=[(first.pk, first.revision), (second.pk, second.revision)]
    )
    assert [(r.unit, r.approved) for r in results] == [("Chi bộ A1", True), ("Chi bộ A2", False)]
    assert "không có đề nghị đang chờ" in results[1].message
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (UnitReviewState.APPROVED, UnitReviewState.IN_PROGRESS)
