"""Two staff deciding the same unit at the same time, in two real PostgreSQL transactions: the second waits for
the first's row lock, then gets a conflict (its form was drawn from an older revision) and loses nothing of the
first's work. Skips on SQLite; fails under REQUIRE_SERVICES=1."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from appraisal.models import Rating, UnitReview, UnitReviewState
from appraisal.rules import Subject
from appraisal.services import ConflictError, Decision, proposals_approve, proposals_return
from audit.models import AuditEntry
from conftest import skip_or_fail
from party_units.models import Role, RoleKind
from party_units.tests.personas import make_user

from .factories import cycle as make_cycle
from .factories import propose

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
G, C = "httnv", "htnv"


def test_the_second_of_two_concurrent_decisions_gets_a_conflict_and_the_first_is_kept(personas):
    if connection.vendor != "postgresql":
        skip_or_fail("the concurrent-decision test needs PostgreSQL (set DATABASE_URL)")
    colleague = make_user("staff_a2")
    Role.objects.create(user=colleague, unit=personas.ward_a, kind=RoleKind.WARD_STAFF)
    cycle = make_cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)
    review = propose(UnitReview.objects.get(root=cycle, unit=personas.cell_a1), levels=[G, G, G])
    revision = review.revision  # both staff drew their form from this revision
    target = Rating.objects.filter(unit_review=review, subject=Subject.MEMBER).first()
    second_waiting = threading.Event()
    outcome: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                proposals_approve(
                    actor=personas.staff_a,
                    review=UnitReview.objects.get(pk=review.pk),
                    revision=revision,
                    decisions={target.pk: Decision(C, "Chưa hoàn thành chỉ tiêu")},
                )
                second_waiting.wait(5)
                time.sleep(0.5)  # the second transaction is now blocked on the row lock
            outcome["first"] = "approved"
        except Exception as exc:  # noqa: BLE001 - reported to the main thread
            outcome["first"] = exc
        finally:
            connection.close()

    def second():
        try:
            second_waiting.set()
            started = time.monotonic()
            try:
                proposals_return(
                    actor=colleague,
                    review=UnitReview.objects.get(pk=review.pk),
                    revision=revision,
                    reason="Đề nghị chi bộ xem lại",
                )
                outcome["second"] = "returned"
            except ConflictError as exc:
                outcome["second"] = exc
            outcome["waited"] = time.monotonic() - started
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    time.sleep(0.2)  # the first holds the lock before the second asks for it
    threads[1].start()
    for thread in threads:
        thread.join(20)
    assert outcome["first"] == "approved"
    assert isinstance(outcome["second"], ConflictError)
    assert "Người khác vừa thay đổi" in outcome["second"].messages[0]
    assert outcome["waited"] >= 0.4  # it really waited for the first transaction
    review.refresh_from_db()
    target.refresh_from_db()
    assert review.state == UnitReviewState.APPROVED
    assert (target.decided_level, target.decision_reason) == (C, "Chưa hoàn thành chỉ tiêu")
    assert not AuditEntry.objects.filter(actor=colleague).exists()
