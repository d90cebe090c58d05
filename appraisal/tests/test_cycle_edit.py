import datetime

import pytest
from django.urls import reverse

from appraisal.models import CycleState, ReviewCycle
from appraisal.services import cycle_close
from audit.models import AuditEntry

from .factories import central, cycle, document

pytestmark = pytest.mark.django_db

EDIT = {
    "title": "Kiểm điểm năm 2023 (sửa)",
    "self_review_due": "30/11/2023",
    "meetings_due": "10/12/2023",
    "proposals_due": "15/12/2023",
    "decisions_due": "25/12/2023",
    "report_due": "10/01/2024",
}


def edit_url(made):
    return reverse("appraisal:cycle_edit", args=[made.pk])


def test_staff_correct_title_documents_and_deadlines_and_it_is_audited(personas, client_for):
    made = cycle(personas.ward_a, opened=True)
    hd25 = central()
    own = document(personas.ward_a, code="12-HD/ĐU", issued_on=datetime.date(2023, 11, 15))
    response = client_for(personas.staff_a).post(edit_url(made), {**EDIT, "guidance_documents": [hd25.pk, own.pk]})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.title == EDIT["title"] and made.meetings_due == datetime.date(2023, 12, 10)
    assert set(made.guidance_documents.all()) == {hd25, own}
    entry = AuditEntry.objects.get(action="review_cycle.updated")
    assert entry.after["title"] == EDIT["title"] and entry.after["guidance_documents"] == ["12-HD/ĐU", "25-HD/BTCTW"]
    assert entry.actor == personas.staff_a and "rule_set" not in entry.after


def test_deadlines_out_of_order_are_refused_in_vietnamese_and_nothing_changes(personas, client_for):
    made = cycle(personas.ward_a)
    data = {**EDIT, "proposals_due": "01/12/2023"}  # before the meetings
    response = client_for(personas.staff_a).post(edit_url(made), data)
    assert response.status_code == 200
    assert "phải sau hạn" in response.content.decode()
    made.refresh_from_db()
    assert made.title == "Kiểm điểm năm 2023" and made.proposals_due is None
    assert not AuditEntry.objects.filter(action="review_cycle.updated").exists()


def test_a_closed_cycle_cannot_be_edited(personas, client_for):
    made = cycle(personas.ward_a, opened=True)
    cycle_close(actor=personas.staff_a, cycle=made)
    client = client_for(personas.staff_a)
    response = client.post(edit_url(made), EDIT, follow=True)
    assert "không sửa được nữa" in response.content.decode()
    assert ReviewCycle.objects.get(pk=made.pk).title == "Kiểm điểm năm 2023"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff_a", 200), ("higher", 200), ("staff_b", 404), ("sec_a1", 404), ("member_a1", 404), ("outsider", 404)],
)
def test_only_staff_of_the_issuing_unit_or_above_edit(personas, client_for, persona, status):
    made = cycle(personas.ward_a)
    client = client_for(getattr(personas, persona))
    assert client.get(edit_url(made)).status_code == status
    if status != 200:
        assert client.post(edit_url(made), EDIT).status_code == status
        made.refresh_from_db()
        assert made.title == "Kiểm điểm năm 2023" and made.state == CycleState.DRAFT


def test_edit_page_queries_do_not_grow_with_units(personas, client_for, django_assert_max_num_queries):
    from .factories import grow_ward

    made = cycle(personas.city)
    client = client_for(personas.higher)
    client.get(edit_url(made))
    grow_ward(personas.city, cells=20, members_per_cell=10)
    with django_assert_max_num_queries(10):
        assert client.get(edit_url(made)).status_code == 200
