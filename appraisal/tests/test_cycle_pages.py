import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import CycleState, ReviewCycle, UnitReview, UnitReviewState
from audit.models import AuditEntry

from .factories import central, cycle, grow_ward

pytestmark = pytest.mark.django_db

CREATE_DATA = {
    "title": "Kiểm điểm, đánh giá, xếp loại chất lượng năm 2023",
    "period_kind": "year",
    "year": "2023",
    "rule_set": "hd25-2023",
    "self_review_due": "30/11/2023",
    "meetings_due": "10/12/2023",
    "proposals_due": "15/12/2023",
    "decisions_due": "25/12/2023",
    "report_due": "10/01/2024",
}


def test_ward_staff_create_a_cycle_from_the_form(personas, client_for):
    hd25 = central()
    client = client_for(personas.staff_a)
    url = reverse("appraisal:cycle_create", args=[personas.ward_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, CREATE_DATA | {"guidance_documents": [hd25.pk], "vote_thresholds": "on"})
    made = ReviewCycle.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("appraisal:cycle_detail", args=[made.pk])
    assert made.issuing_unit == personas.ward_a and made.state == CycleState.DRAFT
    assert made.meetings_due == datetime.date(2023, 12, 10)
    assert made.rule_options == {"vote_thresholds": {"excellent": "2/3", "good": "1/2"}}
    assert list(made.guidance_documents.all()) == [hd25]


def test_the_form_shows_the_services_reasons_in_vietnamese_and_saves_nothing(personas, client_for):
    client = client_for(personas.staff_a)
    url = reverse("appraisal:cycle_create", args=[personas.ward_a.pk])
    response = client.post(url, CREATE_DATA | {"meetings_due": "01/11/2023"})
    assert response.status_code == 200
    assert "phải sau hạn «Đảng viên nộp bản kiểm điểm»" in response.context["form"].errors["meetings_due"][0]
    response = client.post(url, CREATE_DATA | {"rule_set": "hd21-2019", "sick_leave_cap": "off"})
    assert "không cho phép thay đổi tùy chọn «sick_leave_cap»" in str(response.context["form"].errors)
    assert not ReviewCycle.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("sec_a1", 404), ("staff_b", 404), ("member_a1", 404), ("outsider", 404), (None, 302)],
)
def test_only_staff_of_the_unit_or_above_may_create_a_cycle(personas, client_for, persona, status):
    url = reverse("appraisal:cycle_create", args=[personas.ward_a.pk])
    client = client_for(getattr(personas, persona) if persona else None)
    assert client.get(url).status_code == status
    assert client.post(url, CREATE_DATA).status_code == status
    assert not ReviewCycle.objects.exists()


def test_higher_staff_may_create_a_cycle_for_a_ward_below_them(personas, client_for):
    response = client_for(personas.higher).post(
        reverse("appraisal:cycle_create", args=[personas.ward_a.pk]), CREATE_DATA
    )
    assert response.status_code == 302 and ReviewCycle.objects.get().issuing_unit == personas.ward_a


def test_a_secretary_may_not_create_a_cycle_on_their_cell(personas, client_for):
    url = reverse("appraisal:cycle_create", args=[personas.cell_a1.pk])
    assert client_for(personas.sec_a1).get(url).status_code == 403


def test_staff_open_and_close_a_cycle_with_post(personas, client_for):
    made = cycle(personas.ward_a)
    client = client_for(personas.staff_a)
    assert client.get(reverse("appraisal:cycle_open", args=[made.pk])).status_code == 405
    response = client.post(reverse("appraisal:cycle_open", args=[made.pk]), follow=True)
    assert "3 đơn vị trong phạm vi" in response.content.decode()
    assert UnitReview.objects.filter(cycle=made).count() == 3
    response = client.post(reverse("appraisal:cycle_open", args=[made.pk]), follow=True)
    assert "Chỉ mở được kỳ đánh giá đang soạn" in response.content.decode()
    client.post(reverse("appraisal:cycle_close", args=[made.pk]), {"xac_nhan": "1"})
    made.refresh_from_db()
    assert made.state == CycleState.CLOSED


@pytest.mark.parametrize(("persona", "status"), [("sec_a1", 404), ("staff_b", 404), ("member_a1", 404)])
@pytest.mark.parametrize("action", ["cycle_open", "cycle_close", "cycle_sync"])
def test_others_cannot_open_or_close_a_cycle(personas, client_for, persona, status, action):
    made = cycle(personas.ward_a)
    response = client_for(getattr(personas, persona)).post(reverse(f"appraisal:{action}", args=[made.pk]))
    assert response.status_code == status
    made.refresh_from_db()
    assert made.state == CycleState.DRAFT and not UnitReview.objects.exists()
    assert (
        AuditEntry.objects.filter(action__startswith="review_cycle.").exclude(action="review_cycle.created").count()
        == 0
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff_a", 200), ("higher", 200), ("superuser", 200), ("sec_a1", 404), ("staff_b", 404), ("member_a1", 404)],
)
def test_the_cycle_page_is_for_those_who_see_the_issuing_unit(personas, client_for, persona, status):
    made = cycle(personas.ward_a, opened=True)
    response = client_for(getattr(personas, persona)).get(reverse("appraisal:cycle_detail", args=[made.pk]))
    assert response.status_code == status


def test_the_cycle_page_shows_documents_deadlines_and_every_units_progress(personas, client_for):
    hd25 = central()
    made = cycle(personas.ward_a, opened=True, guidance_documents=[hd25], meetings_due=datetime.date(2023, 12, 10))
    UnitReview.objects.filter(unit=personas.cell_a2).update(state=UnitReviewState.SUBMITTED)
    response = client_for(personas.staff_a).get(reverse("appraisal:cycle_detail", args=[made.pk]))
    page = response.content.decode()
    assert "25-HD/BTCTW" in page and "10/12/2023" in page
    branches = {b.unit.name: b for b in response.context["progress"].branches}
    assert set(branches) == {"Đảng ủy phường A", "Chi bộ A1", "Chi bộ A2"}
    assert branches["Chi bộ A2"].counts == {"submitted": 1}
    assert response.context["progress"].totals == {"not_started": 2, "submitted": 1}


def test_the_higher_cycle_shows_its_lower_cycles_progress(personas, client_for):
    city = cycle(personas.city, opened=True)
    ward = cycle(personas.ward_a, parent=city, opened=True)
    UnitReview.objects.filter(unit=personas.cell_a1).update(state=UnitReviewState.APPROVED)
    response = client_for(personas.higher).get(reverse("appraisal:cycle_detail", args=[city.pk]))
    branches = {b.unit.name: b for b in response.context["progress"].branches}
    assert branches["Đảng ủy phường A"].cycle == ward
    assert branches["Đảng ủy phường A"].counts == {"not_started": 2, "approved": 1}
    assert branches["Đảng ủy phường B"].cycle is None and branches["Đảng ủy phường B"].total == 2
    assert reverse("appraisal:cycle_detail", args=[ward.pk]) in response.content.decode()


def measure(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_cycle_page_queries_do_not_grow_with_units_or_members(personas, client_for):
    city = cycle(personas.city, opened=True)
    cycle(personas.ward_a, parent=city, opened=True)
    client = client_for(personas.higher)
    url = reverse("appraisal:cycle_detail", args=[city.pk])
    client.get(url)
    small = measure(client, url)
    for n in range(3):
        ward = grow_ward(personas.city, name=f"Phường {n}", cells=10, members_per_cell=5)
        cycle(ward, parent=city, opened=True)
    assert measure(client, url) <= small <= 10


def test_index_and_unit_cycle_list_show_cycles_and_work_items(personas, client_for):
    city = cycle(personas.city, opened=True)
    cycle(personas.ward_a, parent=city, opened=True)
    response = client_for(personas.staff_a).get(reverse("appraisal:index"))
    assert [c.issuing_unit for c in response.context["cycles"]] == [personas.ward_a]
    response = client_for(personas.sec_a1).get(reverse("appraisal:index"))
    assert [r.unit for r in response.context["reviews"]] == [personas.cell_a1]
    response = client_for(personas.sec_a1).get(reverse("appraisal:cycle_list", args=[personas.cell_a1.pk]))
    assert response.status_code == 200 and not response.context["can_create"]
    assert (
        client_for(personas.sec_a1).get(reverse("appraisal:cycle_list", args=[personas.ward_a.pk])).status_code == 404
    )
    assert client_for(personas.member_a1).get(reverse("appraisal:index")).status_code == 404


@pytest.mark.parametrize("name", ["appraisal:index", "appraisal:cycle_list"])
def test_list_queries_do_not_grow_with_cycles(personas, client_for, name):
    client = client_for(personas.staff_a)
    url = reverse(name, args=[personas.ward_a.pk] if name.endswith("list") else [])
    cycle(personas.ward_a, opened=True)
    client.get(url)
    small = measure(client, url)
    for year in (2019, 2020, 2021, 2022):
        cycle(personas.ward_a, year=year, rule_set="hd21-2019", opened=True)
    assert measure(client, url) <= small <= 9
