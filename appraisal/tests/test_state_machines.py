"""Every illegal move of the workflows is refused by the service layer and leaves everything as it was (issue 14,
item 2): a cycle, a unit's work item (with its meeting and the committee's decision) and a member's
self-review. The states are enumerated from the models' choices and the allowed moves from the tables in code
(``progress.TRANSITIONS``, ``CELL_EDITABLE``, ``FILED``), so a new state is covered without touching this file:
from a state where an action is not allowed, the action must raise a ValidationError with a message, and every
row of the apps and the audit log must be unchanged (compared row by row before and after).

Each case forces the record into the state under test (one UPDATE, in a savepoint rolled back afterwards), so
the rest of the fixture — a held meeting with every proposal, a pending round, a complete self-review — would
let the action succeed were it not for the state: the legal states are checked to succeed too.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from appraisal.models import CycleState, ReviewCycle, SelfReview, SelfReviewState, UnitReview, UnitReviewState
from appraisal.services import (
    CELL_EDITABLE,
    TRANSITIONS,
    cycle_close,
    cycle_open,
    cycle_reopen,
    cycle_sync_scope,
    cycle_update,
    proposals_approve,
    proposals_return,
    review_lock,
    review_reopen,
    review_transition,
    self_review_reopen,
    self_review_return,
    self_review_save,
    self_review_submit,
)
from appraisal.services import meetings as meeting_service
from appraisal.services.self_reviews import FILED
from audit.models import AuditEntry

from . import factories as f
from .test_meeting_checks import full_input
from .test_meeting_checks import setup as meeting_setup

pytestmark = pytest.mark.django_db

SNAPSHOT_APPS = ("appraisal", "members", "party_units", "reports", "audit")


def snapshot() -> dict[str, list[dict]]:
    """Every row of the project's apps (the audit log included), by model, in primary-key order."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for label in SNAPSHOT_APPS
        for model in apps.get_app_config(label).get_models()
    }


def refused_without_a_trace(action, where: str) -> str:
    """Run ``action``; it must raise a ValidationError with a message and change no row. Returns the message."""
    before, audited = snapshot(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        action()  # no transaction around it: a write before the refusal would be left, as in a request
    messages = exc.value.messages
    assert messages and all(m.strip() for m in messages), f"{where}: refused without a message"
    assert AuditEntry.objects.count() == audited, f"{where}: refused but audited"
    after = snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"{where}: refused but changed {changed}"
    return " ".join(messages)


def in_state(model, pk: int, state: str):
    model.objects.filter(pk=pk).update(state=state)


def each_state(choices, body) -> None:
    """``body(state)`` for every state of the choices, each in a savepoint rolled back afterwards."""
    for state in choices.values:
        with transaction.atomic():
            body(state)
            transaction.set_rollback(True)


# -- the table itself ------------------------------------------------------------------------------------------


def test_the_transition_table_names_only_known_states():
    states = set(UnitReviewState.values)
    assert set(TRANSITIONS) <= states and all(targets <= states for targets in TRANSITIONS.values())
    assert states >= CELL_EDITABLE


def test_every_move_outside_the_table_is_refused_by_review_transition(personas):
    review = meeting_setup(personas)
    pairs = 0

    def body(state):
        nonlocal pairs
        in_state(UnitReview, review.pk, state)
        for target in UnitReviewState.values:
            if target in TRANSITIONS.get(state, frozenset()):
                continue
            pairs += 1

            def move(target=target):
                review_transition(review_lock(review), target, actor=personas.staff_a, action="unit_review.approved")

            message = refused_without_a_trace(move, f"{state} → {target}")
            assert str(UnitReviewState(target).label) in message

    each_state(UnitReviewState, body)
    assert pairs == len(UnitReviewState.values) ** 2 - sum(len(t) for t in TRANSITIONS.values())


# -- a unit's work item: the cell's meeting and proposals, the committee's decision ----------------------------

S = UnitReviewState
# What each service may do from which state (read from the services): the move each makes must be in the table.
UNIT_ACTIONS = {
    # name: (legal source states, the state it moves to from a legal source; saving an unchanged meeting
    # leaves a work item not started as it was)
    "meeting_save": (CELL_EDITABLE, lambda s: {S.IN_PROGRESS, s} if s == S.NOT_STARTED else {s}),
    "proposals_submit": (
        frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.RETURNED}),
        lambda s: {S.RESUBMITTED if s == S.RETURNED else S.SUBMITTED},
    ),
    "proposals_withdraw": (frozenset({S.SUBMITTED, S.RESUBMITTED}), lambda s: {S.IN_PROGRESS}),
    "proposals_approve": (frozenset({S.SUBMITTED, S.RESUBMITTED}), lambda s: {S.APPROVED}),
    "proposals_return": (frozenset({S.SUBMITTED, S.RESUBMITTED}), lambda s: {S.RETURNED}),
    "review_reopen": (frozenset({S.APPROVED}), lambda s: {S.IN_PROGRESS}),
}


def test_each_service_moves_only_along_the_table():
    for name, (legal, to) in UNIT_ACTIONS.items():
        for state in legal:
            for target in to(state) - {state}:
                assert target in TRANSITIONS[state], f"{name}: {state} → {target} not in the table"


def _unit_action(name: str, personas, review_pk: int, data):
    def run():
        review = UnitReview.objects.select_related("cycle", "unit").get(pk=review_pk)
        if name == "meeting_save":
            meeting_service.meeting_save(actor=personas.sec_a1, review=review, data=data)
        elif name == "proposals_submit":
            meeting_service.proposals_submit(actor=personas.sec_a1, review=review)
        elif name == "proposals_withdraw":
            meeting_service.proposals_withdraw(actor=personas.sec_a1, review=review)
        elif name == "proposals_approve":
            proposals_approve(actor=personas.staff_a, review=review, quota_exception_reason="Kết quả nổi bật")
        elif name == "proposals_return":
            proposals_return(actor=personas.staff_a, review=review, reason="Bổ sung biên bản")
        else:
            review_reopen(actor=personas.staff_a, review=review, reason="Sai sót khi nhập")

    return run


@pytest.mark.parametrize("name", UNIT_ACTIONS)
def test_a_work_items_illegal_moves_are_refused_and_its_legal_ones_succeed(personas, name):
    review = meeting_setup(personas)  # the 2021 cycle of ward A, cell A1's work item
    data = full_input(review)
    meeting_service.meeting_save(actor=personas.sec_a1, review=review, data=data)
    meeting_service.proposals_submit(actor=personas.sec_a1, review=review)  # a pending round of every proposal
    legal, to = UNIT_ACTIONS[name]
    tried = []

    def body(state):
        in_state(UnitReview, review.pk, state)
        action = _unit_action(name, personas, review.pk, data)
        if state in legal:
            action()
            assert UnitReview.objects.get(pk=review.pk).state in to(state), f"{name} from {state}"
        else:
            tried.append(state)
            refused_without_a_trace(action, f"{name} from {state}")

    each_state(UnitReviewState, body)
    assert set(tried) == set(UnitReviewState.values) - legal


def test_nothing_moves_in_a_closed_cycle(personas):
    review = meeting_setup(personas)
    data = full_input(review)
    meeting_service.meeting_save(actor=personas.sec_a1, review=review, data=data)
    meeting_service.proposals_submit(actor=personas.sec_a1, review=review)
    ReviewCycle.objects.filter(pk=review.cycle_id).update(state=CycleState.CLOSED)

    def body(state):
        in_state(UnitReview, review.pk, state)
        for name in UNIT_ACTIONS:
            message = refused_without_a_trace(
                _unit_action(name, personas, review.pk, data), f"{name} from {state}, cycle closed"
            )
            assert "kết thúc" in message

    each_state(UnitReviewState, body)


# -- a member's self-review ------------------------------------------------------------------------------------

R = SelfReviewState
EDITABLE_BY_MEMBER = frozenset({R.DRAFT, R.RETURNED})
SELF_REVIEW_ACTIONS = {
    # name: (legal self-review states, whether the cell's work item must be in CELL_EDITABLE)
    "save": (EDITABLE_BY_MEMBER, True),
    "submit": (EDITABLE_BY_MEMBER, True),
    "return": (frozenset(FILED), True),
    "reopen": (frozenset(set(R.values) - set(FILED)), True),
}


def _self_review_action(name: str, personas, ur_pk: int, entry):
    member = personas.member_record_a1

    def run():
        ur = UnitReview.objects.select_related("cycle", "unit").get(pk=ur_pk)
        if name == "save":
            self_review_save(actor=personas.member_a1, unit_review=ur, member=member, entry=entry)
        elif name == "submit":
            self_review_submit(actor=personas.member_a1, unit_review=ur, member=member)
        elif name == "return":
            review = SelfReview.objects.get(unit_review=ur, member=member)
            self_review_return(actor=personas.sec_a1, self_review=review, reason="Bổ sung phần hạn chế")
        else:
            until = timezone.localdate() + datetime.timedelta(days=7)
            self_review_reopen(actor=personas.sec_a1, unit_review=ur, member=member, until=until)

    return run


@pytest.mark.parametrize("name", SELF_REVIEW_ACTIONS)
def test_a_self_reviews_illegal_moves_are_refused_and_its_legal_ones_succeed(personas, name):
    ur = f.open_review(personas.ward_a, personas.cell_a1)  # 2025, form 2B, no deadline passed
    member = personas.member_record_a1
    structure = meeting_service_structure(ur, member)
    entry = f.entry_of(structure, f.form_data(structure, level="httnv"))
    self_review_save(actor=personas.member_a1, unit_review=ur, member=member, entry=entry)
    review = SelfReview.objects.get(unit_review=ur, member=member)
    legal, needs_editable_cell = SELF_REVIEW_ACTIONS[name]
    tried = []

    def body(state):
        in_state(SelfReview, review.pk, state)
        for unit_state in UnitReviewState.values:
            with transaction.atomic():
                in_state(UnitReview, ur.pk, unit_state)
                action = _self_review_action(name, personas, ur.pk, entry)
                if state in legal and (unit_state in CELL_EDITABLE or not needs_editable_cell):
                    action()
                else:
                    tried.append((state, unit_state))
                    refused_without_a_trace(action, f"self-review {name} from {state} (cell: {unit_state})")
                transaction.set_rollback(True)

    each_state(SelfReviewState, body)
    assert len(tried) == len(R.values) * len(S.values) - len(legal) * len(CELL_EDITABLE)


def meeting_service_structure(ur, member):
    from appraisal.selectors.self_reviews import member_form

    return member_form(ur, member).structure


# -- a cycle ---------------------------------------------------------------------------------------------------

C = CycleState
CYCLE_ACTIONS = {
    "open": frozenset({C.DRAFT}),
    "sync": frozenset({C.OPEN}),
    "close": frozenset({C.OPEN}),
    "reopen": frozenset({C.CLOSED}),
    "update": frozenset({C.DRAFT, C.OPEN}),
}


def _cycle_action(name: str, personas, cycle_pk: int):
    def run():
        cycle = ReviewCycle.objects.get(pk=cycle_pk)
        if name == "open":
            cycle_open(actor=personas.staff_a, cycle=cycle)
        elif name == "sync":
            cycle_sync_scope(actor=personas.staff_a, cycle=cycle)
        elif name == "close":
            cycle_close(actor=personas.staff_a, cycle=cycle)
        elif name == "reopen":
            cycle_reopen(actor=personas.staff_a, cycle=cycle, reason="Sửa kết quả một chi bộ")
        else:
            cycle_update(actor=personas.staff_a, cycle=cycle, title="Kỳ đã đổi tên")

    return run


@pytest.mark.parametrize("name", CYCLE_ACTIONS)
def test_a_cycles_illegal_moves_are_refused_and_its_legal_ones_succeed(personas, name):
    cycle = f.cycle(personas.ward_a, year=2021, rule_set="hd21-2019")  # a draft
    legal = CYCLE_ACTIONS[name]
    tried = []

    def body(state):
        in_state(ReviewCycle, cycle.pk, state)
        action = _cycle_action(name, personas, cycle.pk)
        if state in legal:
            action()
        else:
            tried.append(state)
            refused_without_a_trace(action, f"cycle {name} from {state}")

    each_state(CycleState, body)
    assert set(tried) == set(C.values) - legal
