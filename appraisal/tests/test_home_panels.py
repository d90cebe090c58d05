"""Each role's home page says what to do next in the open cycle: ward staff how many cells wait for the
committee's decision (with the link to the dashboard and the deadline), a secretary the meeting to record or the
returned proposals with the reason, a member the self-review to file by its deadline. Every panel keeps a
constant number of queries whatever the number of cells and cycles."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisal import services
from appraisal.models import Notification, SelfReview
from appraisal.tests import factories as f
from party_units.tests.personas import make_unit

pytestmark = pytest.mark.django_db


def ward_cycle(personas, **deadlines):
    deadlines.setdefault("decisions_due", datetime.date(2021, 12, 20))
    return f.cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True, **deadlines)


def home(client_for, user) -> str:
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_ward_staff_see_how_many_cells_wait_for_their_decision(personas, client_for):
    cycle = ward_cycle(personas)
    f.propose(f.review_of(cycle, personas.cell_a1), levels=["httnv"])
    f.propose(f.review_of(cycle, personas.cell_a2), levels=["httnv"], state="resubmitted")
    html = home(client_for, personas.staff_a)
    assert "2 chi bộ chờ quyết định" in html
    assert reverse("appraisal:dashboard_unit", args=[cycle.pk, personas.ward_a.pk]) in html
    assert "hạn quyết định 20/12/2021" in html
    # A returned cell waits for its secretary, not for the committee.
    services.proposals_return(actor=personas.staff_a, review=f.review_of(cycle, personas.cell_a2), reason="Sửa")
    assert "1 chi bộ chờ quyết định" in home(client_for, personas.staff_a)


def test_nobody_else_is_told_about_another_committees_decisions(personas, client_for):
    cycle = ward_cycle(personas)
    f.propose(f.review_of(cycle, personas.cell_a1), levels=["httnv"])
    # Ward B's staff, the city's staff (ward A decides its own cells), the secretary, the member.
    for user in (personas.staff_b, personas.higher, personas.sec_a1, personas.member_a1):
        assert "chờ quyết định" not in home(client_for, user), user.username


def test_the_city_is_told_about_wards_waiting_for_it(personas, client_for):
    city_cycle = f.cycle(personas.city, year=2021, rule_set="hd21-2019", opened=True)
    f.propose(f.review_of(city_cycle, personas.ward_a), levels=["httnv"])
    html = home(client_for, personas.higher)
    assert "1 tổ chức đảng chờ quyết định" in html
    assert reverse("appraisal:dashboard_unit", args=[city_cycle.pk, personas.city.pk]) in html


def test_the_decisions_panel_queries_do_not_grow_with_cells_or_cycles(personas, client_for):
    cells = [make_unit(personas.ward_a, f"Chi bộ thêm {n}") for n in range(6)]
    cycle = ward_cycle(personas)
    other = f.cycle(personas.ward_a, year=2022, rule_set="hd21-2019", opened=True)
    f.propose(f.review_of(cycle, personas.cell_a1), levels=["httnv"])
    client = client_for(personas.staff_a)
    client.get(reverse("home"))  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert "1 chi bộ chờ quyết định" in client.get(reverse("home")).content.decode()
    for cell in cells:
        f.propose(f.review_of(cycle, cell), levels=["httnv"])
        f.propose(f.review_of(other, cell), levels=["httnv"])
    with CaptureQueriesContext(connection) as large:
        html = client.get(reverse("home")).content.decode()
    assert "7 chi bộ chờ quyết định" in html and "6 chi bộ chờ quyết định" in html
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_secretary_is_told_the_next_step_of_each_meeting(personas, client_for):
    cycle = ward_cycle(personas, meetings_due=datetime.date(2021, 11, 20), proposals_due=datetime.date(2021, 11, 25))
    review = f.review_of(cycle, personas.cell_a1)
    html = home(client_for, personas.sec_a1)
    assert "Cần ghi kết quả hội nghị kiểm điểm và gửi đề nghị xếp loại" in html
    assert "hạn họp 20/11/2021" in html and "hạn gửi đề nghị 25/11/2021" in html
    client = client_for(personas.sec_a1)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))

    f.propose(review, levels=["httnv"])
    html = home(client_for, personas.sec_a1)
    assert "Đã gửi đề nghị, chờ cấp ủy cấp trên quyết định." in html
    assert "Cần ghi kết quả" not in html

    services.proposals_return(actor=personas.staff_a, review=review, reason="Ghi rõ căn cứ xếp loại chi bộ.")
    Notification.objects.update(read_at=timezone.now())  # the notices panel's own queries stay out of the count
    client = client_for(personas.sec_a1)
    with CaptureQueriesContext(connection) as returned:
        html = client.get(reverse("home")).content.decode()
    assert "Đề nghị bị trả lại, cần sửa và gửi lại" in html and "Ghi rõ căn cứ xếp loại chi bộ." in html
    assert len(returned.captured_queries) == len(before.captured_queries)


def test_the_member_is_told_to_file_the_self_review_by_its_deadline(personas, client_for):
    today = datetime.date.today()
    due = today + datetime.timedelta(days=10)
    review = f.open_review(personas.ward_a, personas.cell_a1, year=today.year, self_review_due=due)
    html = home(client_for, personas.member_a1)
    assert f"Đồng chí cần nộp bản kiểm điểm chậm nhất ngày {due:%d/%m/%Y}." in html
    filed = SelfReview.objects.create(
        unit_review=review, member=personas.member_record_a1, form_code="2B", state="submitted"
    )
    html = home(client_for, personas.member_a1)
    assert "cần nộp bản kiểm điểm" not in html and f"Hạn nộp: {due:%d/%m/%Y}" in html
    # Returned: to file again; a late filing allowed by the secretary moves the day.
    later = due + datetime.timedelta(days=5)
    SelfReview.objects.filter(pk=filed.pk).update(state="returned", return_reason="Bổ sung", reopened_until=later)
    assert f"chậm nhất ngày {later:%d/%m/%Y}." in home(client_for, personas.member_a1)


def test_a_member_past_the_deadline_is_told_to_ask_the_secretary(personas, client_for):
    today = datetime.date.today()
    due = today - datetime.timedelta(days=1)
    f.open_review(personas.ward_a, personas.cell_a1, year=today.year, self_review_due=due)
    html = home(client_for, personas.member_a1)
    assert f"Đã quá hạn nộp bản kiểm điểm ({due:%d/%m/%Y})" in html


def test_the_member_is_greeted_by_the_name_on_the_party_record(personas, client_for):
    f.open_review(personas.ward_a, personas.cell_a1, year=2025, rule_set="hd43-2025")
    html = home(client_for, personas.member_a1)
    assert "Xin chào, Nguyễn Văn An" in html
    assert "member_a1" not in html
