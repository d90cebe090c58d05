"""The document number register: from 01 per type within the term, once per document, never reused."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction

from audit.models import AuditEntry
from conftest import skip_or_fail
from reports.models import CommitteeTerm, IssuedNumber
from reports.services import number_issue

DAY = datetime.date(2021, 11, 16)


def issue(personas, subject, *, doc_type="BB", unit=None, actor=None, day=DAY):
    return number_issue(
        actor=actor or personas.sec_a1,
        unit=unit or personas.cell_a1,
        doc_type=doc_type,
        subject=subject,
        title="Biên bản",
        day=day,
    )


@pytest.mark.django_db
def test_numbers_run_from_01_per_type_and_unit(personas):
    assert [issue(personas, f"minutes:{i}").code for i in range(3)] == ["01-BB/CB", "02-BB/CB", "03-BB/CB"]
    assert issue(personas, "report:1", doc_type="BC").code == "01-BC/CB"
    assert issue(personas, "minutes:9", unit=personas.cell_a2, actor=personas.sec_a2).code == "01-BB/CB"
    assert AuditEntry.objects.filter(action="document.issued").count() == 5


@pytest.mark.django_db
def test_a_document_is_numbered_once(personas):
    first = issue(personas, "minutes:1")
    again = issue(personas, "minutes:1", day=DAY + datetime.timedelta(days=3))
    assert again.pk == first.pk and again.code == "01-BB/CB"
    assert issue(personas, "minutes:2").number == 2
    assert IssuedNumber.objects.count() == 2


@pytest.mark.django_db
def test_a_new_term_starts_again_from_01_and_old_numbers_stay(personas):
    CommitteeTerm.objects.create(unit=personas.cell_a1, starts_on=datetime.date(2020, 7, 1), label="2020 – 2025")
    CommitteeTerm.objects.create(unit=personas.cell_a1, starts_on=datetime.date(2025, 7, 1), label="2025 – 2030")
    assert issue(personas, "minutes:1", day=datetime.date(2025, 6, 30)).code == "01-BB/CB"
    assert issue(personas, "minutes:2", day=datetime.date(2025, 6, 30)).code == "02-BB/CB"
    new_term = issue(personas, "minutes:3", day=datetime.date(2025, 11, 20))
    assert new_term.code == "01-BB/CB" and new_term.term_start == datetime.date(2025, 7, 1)
    assert IssuedNumber.objects.filter(code="01-BB/CB").count() == 2  # one per term


@pytest.mark.django_db
def test_only_who_may_hold_the_meeting_or_approve_issues(personas):
    with pytest.raises(PermissionDenied):
        issue(personas, "minutes:1", actor=personas.sec_a2)
    with pytest.raises(PermissionDenied):
        issue(personas, "report:1", unit=personas.ward_a, actor=personas.sec_a1, doc_type="BC")
    assert issue(personas, "report:1", unit=personas.ward_a, actor=personas.staff_a, doc_type="BC").code == "01-BC/ĐU"
    assert not IssuedNumber.objects.filter(unit=personas.cell_a1).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_people_issuing_at_once_get_different_numbers(personas):
    """Two transactions on PostgreSQL: the second waits for the first's lock, then takes the next number —
    also for the very first number of a type, when the sequence row does not exist yet."""
    if connection.vendor != "postgresql":
        skip_or_fail("the concurrent-issue test needs PostgreSQL (set DATABASE_URL)")
    holding, release = threading.Event(), threading.Event()
    results, errors = {}, []

    def first():
        try:
            with transaction.atomic():
                results["first"] = issue(personas, "minutes:1").code
                holding.set()
                release.wait(10)  # keep the transaction (and its lock) open
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            holding.set()
        finally:
            connections.close_all()

    def second():
        try:
            results["second"] = issue(personas, "minutes:2").code
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    assert holding.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(1.0)
    assert two.is_alive(), "the second issue must wait for the first transaction"
    release.set()
    one.join(10)
    two.join(10)
    assert not errors, errors
    assert sorted(results.values()) == ["01-BB/CB", "02-BB/CB"]
    assert sorted(IssuedNumber.objects.values_list("number", flat=True)) == [1, 2]
