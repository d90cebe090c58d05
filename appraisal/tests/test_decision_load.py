"""Twenty decision requests at once on one ward, on PostgreSQL (issue 14, item 7): each thread has its own
connection and real transactions, as twenty staff pressing "Phê duyệt" together would. Ten cells of the ward
each proposed six members "good"; two requests per cell, each approving the cell while raising two of its
members to "excellent" and registering the committee's decision under the next number of the ward's register
("QĐ"), in the same transaction. The ward's quota (20% of "good" under Hướng dẫn 21-HD/BTCTW) is counted over
all its cells, so only some approvals may pass.

What must hold whatever the interleaving: each cell decided once (the other request gets a conflict), the
quota kept over the whole ward (no approval judged against a count another one was changing), every decision's
document number distinct and the numbers consecutive, the tally equal to a recount, one audit entry per move,
and no thread ending in anything but an approval or a refusal with a message (no deadlock left unhandled).
Skips on SQLite; fails under REQUIRE_SERVICES=1 without PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from appraisal.models import Rating, UnitReview, UnitReviewState
from appraisal.rules import Subject
from appraisal.selectors import quota
from appraisal.services import ConflictError, Decision, proposals_approve
from appraisal.services.tallies import tally_current, tally_recount
from audit.models import AuditEntry
from party_units.models import Role, RoleKind
from party_units.tests.personas import make_unit, make_user
from reports.models import IssuedNumber
from reports.services import number_issue

from .factories import add_members, propose, review_of
from .factories import cycle as make_cycle

pytestmark = pytest.mark.django_db(transaction=True)
G, E = "httnv", "htxsnv"
CELLS, PER_CELL, REQUESTS = 10, 6, 20


def test_twenty_concurrent_decisions_on_one_ward_lose_nothing_and_number_each_decision_once(personas, postgresql):
    ward = personas.ward_a
    staff = [make_user(f"can_bo_{i:02d}") for i in range(REQUESTS)]
    Role.objects.bulk_create([Role(user=user, unit=ward, kind=RoleKind.WARD_STAFF) for user in staff])
    cells = [make_unit(ward, f"Chi bộ tải {i:02d}") for i in range(CELLS)]
    for cell in cells:
        add_members(cell, PER_CELL, prefix=f"Đảng viên tải {cell.pk}")
    cycle = make_cycle(ward, year=2021, rule_set="hd21-2019", opened=True)
    reviews = [propose(review_of(cycle, cell), levels=[G] * PER_CELL, members=cell_members(cell)) for cell in cells]
    audit_before = AuditEntry.objects.count()
    barrier = threading.Barrier(REQUESTS, timeout=60)
    outcomes: list[tuple[int, object]] = [None] * REQUESTS  # type: ignore[list-item]

    def request(i: int) -> None:
        review = reviews[i % CELLS]
        members = list(
            Rating.objects.filter(unit_review=review, subject=Subject.MEMBER)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        try:
            barrier.wait()
            with transaction.atomic():
                approved = proposals_approve(
                    actor=staff[i],
                    review=UnitReview.objects.get(pk=review.pk),
                    revision=review.revision,  # both requests on a cell drew their form from this revision
                    decisions={pk: Decision(E, "Tiêu biểu xuất sắc") for pk in members[:2]},
                )
                issued = number_issue(
                    actor=staff[i],
                    unit=ward,
                    doc_type="QĐ",
                    subject=f"decision:{approved.pk}",
                    title=f"Quyết định công nhận kết quả xếp loại {approved.unit.name}",
                )
            outcomes[i] = (review.pk, issued)
        except (ConflictError, ValidationError) as exc:
            outcomes[i] = (review.pk, exc)
        except Exception as exc:  # noqa: BLE001 - a deadlock or any other failure is reported, not swallowed
            outcomes[i] = (review.pk, exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(i,)) for i in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"

    unexpected = [exc for _pk, exc in outcomes if isinstance(exc, Exception) and not isinstance(exc, ValidationError)]
    assert not unexpected, f"requests ended in an unhandled error: {unexpected!r}"
    for _pk, result in outcomes:
        if isinstance(result, ValidationError):
            assert result.messages and all(m.strip() for m in result.messages)

    approved = {pk for pk, result in outcomes if isinstance(result, IssuedNumber)}
    # Each cell decided at most once: the other request on it was refused.
    assert len(approved) == sum(isinstance(r, IssuedNumber) for _pk, r in outcomes)
    assert UnitReview.objects.filter(pk__in=[r.pk for r in reviews], state=UnitReviewState.APPROVED).count() == len(
        approved
    )
    assert approved, "no request was approved"
    # The quota holds over the whole ward, with no exception recorded: no approval lost the others' changes.
    rules = cycle.rules()
    groups = quota.tallies(root_id=cycle.pk, base=ward, rules=rules)
    assert groups and all(group.ok for group in groups), [g.result.message for g in groups]
    assert not Rating.objects.exclude(quota_exception_reason="").exists()
    decided_excellent = Rating.objects.filter(unit_review__root_id=cycle.pk, decided_level=E).count()
    assert decided_excellent == 2 * len(approved)
    # Every decision numbered once, the numbers consecutive from 01, no gap and no duplicate.
    numbers = sorted(IssuedNumber.objects.filter(unit=ward, doc_type="QĐ").values_list("number", flat=True))
    assert numbers == list(range(1, len(approved) + 1))
    assert set(IssuedNumber.objects.filter(unit=ward).values_list("subject", flat=True)) == {
        f"decision:{pk}" for pk in approved
    }
    # The maintained tally equals a recount; the audit log has every move of the approved and none of the refused.
    assert tally_current(cycle.pk) == tally_recount(cycle.pk)
    refused_actors = [staff[i] for i, (_pk, result) in enumerate(outcomes) if not isinstance(result, IssuedNumber)]
    assert not AuditEntry.objects.filter(actor__in=refused_actors).exists()
    assert AuditEntry.objects.filter(action="unit_review.approved").count() == len(approved)
    assert AuditEntry.objects.filter(action="document.issued").count() == len(approved)
    assert AuditEntry.objects.count() > audit_before


def cell_members(cell):
    from members.models import Member

    return list(Member.objects.filter(memberships__unit=cell).order_by("pk"))
