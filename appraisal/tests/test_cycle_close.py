"""Closing a cycle asks first, listing what is unfinished; the issuing committee may reopen it with a reason;
deadlines that passed unmet are marked "quá hạn"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appraisal.models import CycleState, UnitReview, UnitReviewState, deadline_rows
from appraisal.services import cycle_close, cycle_reopen
from audit.labels import is_registered
from audit.models import AuditEntry

from .factories import cycle, grow_ward

pytestmark = pytest.mark.django_db

DEADLINES = {
    "self_review_due": datetime.date(2023, 11, 30),
    "meetings_due": datetime.date(2023, 12, 10),
    "proposals_due": datetime.date(2023, 12, 15),
    "decisions_due": datetime.date(2023, 12, 25),
    "report_due": datetime.date(2024, 1, 10),
}


def set_state(unit, state):
    UnitReview.objects.filter(unit=unit).update(state=state)


def test_the_close_button_asks_first_and_lists_what_is_unfinished(personas, client_for):
    made = cycle(personas.ward_a, opened=True)
    set_state(personas.cell_a1, UnitReviewState.APPROVED)
    set_state(personas.cell_a2, UnitReviewState.SUBMITTED)
    client = client_for(personas.staff_a)
    detail = client.get(reverse("appraisal:cycle_detail", args=[made.pk])).content.decode()
    assert f'href="{reverse("appraisal:cycle_close", args=[made.pk])}"' in detail  # a link to the question
    response = client.get(reverse("appraisal:cycle_close", args=[made.pk]))
    unfinished = {entry.label: (entry.count, entry.names) for entry in response.context["unfinished"]}
    assert unfinished == {"Chưa bắt đầu": (1, ["Đảng ủy phường A"]), "Đã gửi đề nghị": (1, ["Chi bộ A2"])}
    page = response.content.decode()
    assert "Còn 2 đơn vị chưa được phê duyệt" in page and "Chi bộ A2" in page and "Chi bộ A1" not in page
    made.refresh_from_db()
    assert made.state == CycleState.OPEN


def test_a_close_without_the_confirmation_changes_nothing(personas, client_for):
    made = cycle(personas.ward_a, opened=True)
    response = client_for(personas.staff_a).post(reverse("appraisal:cycle_close", args=[made.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("appraisal:cycle_close", args=[made.pk])
    made.refresh_from_db()
    assert made.state == CycleState.OPEN and not AuditEntry.objects.filter(action="review_cycle.closed").exists()


def test_the_confirmed_close_records_what_was_left_unfinished(personas, client_for):
    made = cycle(personas.ward_a, opened=True)
    set_state(personas.cell_a1, UnitReviewState.APPROVED)
    response = client_for(personas.staff_a).post(
        reverse("appraisal:cycle_close", args=[made.pk]), {"xac_nhan": "1"}, follow=True
    )
    assert "Đã kết thúc kỳ đánh giá" in response.content.decode()
    made.refresh_from_db()
    assert made.state == CycleState.CLOSED
    entry = AuditEntry.objects.get(action="review_cycle.closed")
    assert entry.after["unfinished"] == {"not_started": 2}


def test_a_long_list_names_the_first_units_and_counts_the_rest_in_one_query(
    personas, client_for, django_assert_max_num_queries
):
    ward = grow_ward(personas.city, cells=8, members_per_cell=0)
    made = cycle(ward, opened=True)
    client = client_for(personas.higher)
    url = reverse("appraisal:cycle_close", args=[made.pk])
    client.get(url)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    (entry,) = response.context["unfinished"]
    assert entry.count == 9 and entry.names == ["Phường lớn"] + [f"Phường lớn – Chi bộ {i}" for i in range(1, 5)]
    assert "và 4 đơn vị khác" in response.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("sec_a1", 404), ("staff_b", 404), ("member_a1", 404)])
def test_others_see_no_close_question(personas, client_for, persona, status):
    made = cycle(personas.ward_a, opened=True)
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("appraisal:cycle_close", args=[made.pk])).status_code == status
    assert client.post(reverse("appraisal:cycle_close", args=[made.pk]), {"xac_nhan": "1"}).status_code == status
    made.refresh_from_db()
    assert made.state == CycleState.OPEN


def closed_cycle(unit, **kw):
    made = cycle(unit, opened=True, **kw)
    cycle_close(actor=None, cycle=made)
    return made


@pytest.mark.parametrize("persona", ["staff_a", "higher"])
def test_the_issuing_committee_or_above_reopens_a_closed_cycle_with_a_reason(personas, client_for, persona):
    made = closed_cycle(personas.ward_a)
    client = client_for(getattr(personas, persona))
    detail = client.get(reverse("appraisal:cycle_detail", args=[made.pk])).content.decode()
    url = reverse("appraisal:cycle_reopen", args=[made.pk])
    assert url in detail
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    made.refresh_from_db()
    assert made.state == CycleState.CLOSED and not AuditEntry.objects.filter(action="review_cycle.reopened").exists()
    response = client.post(url, {"reason": "Chi bộ A2 chưa họp  kiểm điểm"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.state == CycleState.OPEN and made.closed_at is None
    entry = AuditEntry.objects.get(action="review_cycle.reopened")
    assert entry.after["reason"] == "Chi bộ A2 chưa họp kiểm điểm" and entry.actor_id == getattr(personas, persona).pk
    assert is_registered("review_cycle.reopened")


@pytest.mark.parametrize(("persona", "status"), [("sec_a1", 404), ("staff_b", 404), ("member_a1", 404), (None, 302)])
def test_others_cannot_reopen(personas, client_for, persona, status):
    made = closed_cycle(personas.ward_a)
    client = client_for(getattr(personas, persona) if persona else None)
    url = reverse("appraisal:cycle_reopen", args=[made.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": "Lý do"}).status_code == status
    made.refresh_from_db()
    assert made.state == CycleState.CLOSED and not AuditEntry.objects.filter(action="review_cycle.reopened").exists()


def test_reopening_is_refused_with_a_vietnamese_message(personas):
    opened = cycle(personas.ward_b, opened=True)
    with pytest.raises(ValidationError, match="Chỉ mở lại được kỳ đánh giá đã kết thúc"):
        cycle_reopen(actor=personas.staff_b, cycle=opened, reason="Lý do")
    city = cycle(personas.city, year=2024, opened=True)
    ward = cycle(personas.ward_a, year=2024, parent=city, opened=True)
    cycle_close(actor=None, cycle=ward)
    cycle_close(actor=None, cycle=city)
    with pytest.raises(ValidationError, match="cấp trên cần mở lại kỳ đó trước"):
        cycle_reopen(actor=personas.staff_a, cycle=ward, reason="Lý do")
    with pytest.raises(ValidationError, match="cần ghi rõ lý do"):
        cycle_reopen(actor=personas.higher, cycle=city, reason="")
    cycle_reopen(actor=personas.higher, cycle=city, reason="Bổ sung")
    cycle_reopen(actor=personas.staff_a, cycle=ward, reason="Bổ sung")
    ward.refresh_from_db()
    assert ward.state == CycleState.OPEN


def test_a_deadline_is_missed_by_the_units_whose_phase_is_not_done(personas):
    made = cycle(personas.ward_a, opened=True, **DEADLINES)
    set_state(personas.cell_a1, UnitReviewState.APPROVED)
    set_state(personas.cell_a2, UnitReviewState.RETURNED)
    counts = {"not_started": 1, "approved": 1, "returned": 1}
    late = {row.name: row.late for row in deadline_rows(made, datetime.date(2023, 12, 20), counts)}
    # the ward has done nothing; the returned cell held its meeting but must send its proposals again
    assert late == {
        "self_review_due": 1,
        "meetings_due": 1,
        "proposals_due": 2,
        "decisions_due": 0,  # not yet due on 20/12/2023
        "report_due": 0,
    }
    on_the_day = {row.name: row.late for row in deadline_rows(made, datetime.date(2023, 12, 15), counts)}
    assert on_the_day["proposals_due"] == 0  # due today is not late
    review = UnitReview.objects.select_related("cycle").get(unit=personas.cell_a1)
    assert not any(row.overdue for row in review.deadline_rows(datetime.date(2024, 6, 1)))


def test_pages_mark_missed_deadlines_quá_hạn(personas, client_for):
    made = cycle(personas.ward_a, opened=True, **DEADLINES)  # every deadline is long past
    set_state(personas.cell_a1, UnitReviewState.APPROVED)
    set_state(personas.cell_a2, UnitReviewState.SUBMITTED)
    client = client_for(personas.staff_a)
    response = client.get(reverse("appraisal:cycle_detail", args=[made.pk]))
    rows = {row.name: row.late for row in response.context["deadlines"]}
    assert rows == {"self_review_due": 1, "meetings_due": 1, "proposals_due": 1, "decisions_due": 2, "report_due": 2}
    assert "quá hạn" in response.content.decode() and "2 đơn vị chưa xong" in response.content.decode()
    approved = client.get(reverse("appraisal:unit_review", args=[made.pk, personas.cell_a1.pk]))
    assert "quá hạn" not in approved.content.decode()
    submitted = client.get(reverse("appraisal:unit_review", args=[made.pk, personas.cell_a2.pk]))
    assert [row.name for row in submitted.context["deadlines"] if row.overdue] == ["decisions_due", "report_due"]
    assert submitted.content.decode().count("quá hạn") == 2
    cycle_close(actor=None, cycle=made)
    assert "quá hạn" not in client.get(reverse("appraisal:cycle_detail", args=[made.pk])).content.decode()
