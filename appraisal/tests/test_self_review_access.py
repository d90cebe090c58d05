"""Who may open, save, submit, return, remind — every persona; the autosave endpoint; bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.models import CollectiveReport, Notification, SelfReview, SelfReviewState
from appraisal.selectors.self_reviews import member_form
from appraisal.services import self_review_save, self_review_submit

from .factories import entry_of, form_data, grow_ward, open_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def ur(personas):
    return open_review(personas.ward_a, personas.cell_a1)


def submitted(ur, personas):
    member = personas.member_record_a1
    structure = member_form(ur, member).structure
    entry = entry_of(structure, form_data(structure, level="httnv"))
    review, _a = self_review_save(actor=personas.member_a1, unit_review=ur, member=member, entry=entry)
    self_review_submit(actor=personas.member_a1, unit_review=ur, member=member)
    review.refresh_from_db()
    return review


# who sees a submitted self-review of member_a1 (cell A1, ward A)
VIEW = {
    "member_a1": 200,
    "sec_a1": 200,
    "staff_a": 200,
    "higher": 200,
    "superuser": 200,
    "sec_a2": 404,
    "sec_b1": 404,
    "staff_b": 404,
    "member_b1": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("who", "status"), VIEW.items())
def test_who_opens_a_self_review(ur, personas, client_for, who, status):
    review = submitted(ur, personas)
    url = reverse("appraisal:self_review", args=[ur.pk, review.member_id])
    response = client_for(getattr(personas, who)).get(url)
    assert response.status_code == status
    if status == 200:
        assert "Nội dung A.II" in response.content.decode()


@pytest.mark.parametrize("who", [name for name in VIEW if name != "member_a1"])
def test_nobody_but_the_member_saves_or_submits_it(ur, personas, client_for, who):
    member = personas.member_record_a1
    url = reverse("appraisal:self_review", args=[ur.pk, member.pk])
    data = {**form_data(member_form(ur, member).structure, level="htnv"), "action": "submit"}
    response = client_for(getattr(personas, who)).post(url, data)
    assert response.status_code == (403 if VIEW[who] == 200 else 404)
    autosave = client_for(getattr(personas, who)).post(
        reverse("appraisal:self_review_autosave", args=[ur.pk, member.pk]), data
    )
    assert autosave.status_code in (403, 404) and autosave.json()["ok"] is False
    assert not SelfReview.objects.exists()


def test_a_secretary_does_not_read_a_draft_never_submitted(ur, personas, client_for):
    member = personas.member_record_a1
    data = form_data(member_form(ur, member).structure, level="htnv")
    data["t:A.II"] = "Bản nháp riêng tư"
    entry = entry_of(member_form(ur, member).structure, data)
    self_review_save(actor=personas.member_a1, unit_review=ur, member=member, entry=entry)
    page = client_for(personas.sec_a1).get(reverse("appraisal:self_review", args=[ur.pk, member.pk]))
    assert page.status_code == 200 and "Bản nháp riêng tư" not in page.content.decode()


RETURN = {"sec_a1": 302, "staff_a": 403, "superuser": 302, "member_a1": 403, "sec_a2": 404, "member_b1": 404}


@pytest.mark.parametrize(("who", "status"), RETURN.items())
def test_who_may_return_it(ur, personas, client_for, who, status):
    # Ward staff see the review but hold no meeting right on the cell: returning is the cell's move.
    review = submitted(ur, personas)
    response = client_for(getattr(personas, who)).post(
        reverse("appraisal:self_review_return", args=[review.pk]), {"reason": "Viết lại"}
    )
    review.refresh_from_db()
    assert response.status_code == status
    assert (review.state == SelfReviewState.RETURNED) is (status == 302)


CELL_PAGE = {
    "sec_a1": 200,
    "staff_a": 200,
    "higher": 200,
    "superuser": 200,
    "sec_a2": 404,
    "staff_b": 404,
    "member_a1": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("who", "status"), CELL_PAGE.items())
def test_who_sees_the_cells_self_reviews_and_its_report(ur, personas, client_for, who, status):
    client = client_for(getattr(personas, who))
    args = [ur.cycle_id, ur.unit_id]
    assert client.get(reverse("appraisal:cell_self_reviews", args=args)).status_code == status
    assert client.get(reverse("appraisal:collective_report", args=args)).status_code == status


@pytest.mark.parametrize(("who", "status"), [("staff_a", 403), ("higher", 403), ("member_a1", 404), ("sec_a2", 404)])
def test_only_the_cells_secretary_reminds_and_writes_the_report(ur, personas, client_for, who, status):
    client = client_for(getattr(personas, who))
    args = [ur.cycle_id, ur.unit_id]
    assert client.post(reverse("appraisal:cell_self_reviews", args=args)).status_code == status
    assert client.post(reverse("appraisal:collective_report", args=args), {"t:A.II": "x"}).status_code == status
    assert not Notification.objects.exists() and not CollectiveReport.objects.exists()


def test_the_secretarys_view_lists_states_the_exempt_and_the_late(ur, personas, client_for):
    import datetime

    from members.models import MemberStatus, StatusKind
    from party_units.tests.personas import make_member

    late = make_member("Ngô Thị Muộn", personas.cell_a1)
    MemberStatus.objects.create(member=late, kind=StatusKind.EXEMPTED, start_date=datetime.date(2025, 3, 1))
    submitted(ur, personas)
    text = client_for(personas.sec_a1).get(reverse("appraisal:cell_self_reviews", args=[ur.cycle_id, ur.unit_id]))
    text = text.content.decode()
    assert "Nguyễn Văn An" in text and "Đã nộp" in text and "Chưa bắt đầu" in text
    assert "Không phải làm bản kiểm điểm" in text and "Ngô Thị Muộn" in text and "miễn công tác" in text


@pytest.mark.parametrize("size", [3, 30])
def test_the_secretarys_view_does_not_grow_with_the_cell(personas, client_for, django_assert_max_num_queries, size):
    from party_units.models import Role, RoleKind

    ward = grow_ward(personas.city, name=f"Phường {size}", cells=1, members_per_cell=size)
    cell = ward.children.get()
    Role.objects.create(user=personas.higher, unit=cell, kind=RoleKind.SECRETARY)
    ur = open_review(ward, cell)
    members = list(cell.memberships.values_list("member_id", flat=True))
    for member_id in members[: size // 2]:
        SelfReview.objects.create(unit_review=ur, member_id=member_id, form_code="2B", state="submitted")
    client = client_for(personas.higher)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("appraisal:cell_self_reviews", args=[ur.cycle_id, cell.pk]))
    assert response.status_code == 200


def test_the_form_page_query_count_is_bounded(ur, personas, client_for, django_assert_max_num_queries):
    submitted(ur, personas)
    client = client_for(personas.member_a1)
    with django_assert_max_num_queries(30):
        assert (
            client.get(reverse("appraisal:self_review", args=[ur.pk, personas.member_record_a1.pk])).status_code == 200
        )


# -- autosave ----------------------------------------------------------------------------------------------------


def test_autosave_stores_the_draft_and_answers_json(ur, personas, client_for):
    member = personas.member_record_a1
    url = reverse("appraisal:self_review_autosave", args=[ur.pk, member.pk])
    data = form_data(member_form(ur, member).structure, general="27,5", tasks="65", level="httnv")
    data["client_token"] = "abc-1"
    response = client_for(personas.member_a1).post(url, data)
    body = response.json()
    assert response.status_code == 200 and body["ok"] is True and body["token"] == "abc-1"
    assert body["total"] == "92,5" and body["max_level"] == "htxsnv"
    review = SelfReview.objects.get()
    assert review.state == SelfReviewState.DRAFT and review.content["scores"]["g1"] == "27,5"


def test_autosave_keeps_half_typed_figures_and_reports_the_problem(ur, personas, client_for):
    member = personas.member_record_a1
    url = reverse("appraisal:self_review_autosave", args=[ur.pk, member.pk])
    response = client_for(personas.member_a1).post(url, {"t:A.II": "Đang viết…", "s:g1": "3"})
    body = response.json()
    assert response.status_code == 200 and body["ok"] and body["max_level"] == ""
    assert any("chưa chấm điểm" in problem for problem in body["problems"])
    assert SelfReview.objects.get().content["A.II"] == "Đang viết…"


def test_autosave_with_a_timed_out_session_answers_401_json_and_stores_nothing(ur, personas, client):
    url = reverse("appraisal:self_review_autosave", args=[ur.pk, personas.member_record_a1.pk])
    response = client.post(url, {"t:A.II": "Không được mất"})
    assert response.status_code == 401
    body = response.json()
    assert body["login"] is True and "đăng nhập lại" in body["message"]
    assert body["login_url"].startswith(reverse("login"))
    assert not SelfReview.objects.exists()


def test_autosave_after_submission_is_refused_with_409(ur, personas, client_for):
    submitted(ur, personas)
    url = reverse("appraisal:self_review_autosave", args=[ur.pk, personas.member_record_a1.pk])
    response = client_for(personas.member_a1).post(url, {"t:A.II": "Sửa sau khi nộp"})
    assert response.status_code == 409 and "đã nộp" in response.json()["message"]
    assert SelfReview.objects.get().content["A.II"] == "Nội dung A.II"


def test_autosave_refuses_get(ur, personas, client_for):
    url = reverse("appraisal:self_review_autosave", args=[ur.pk, personas.member_record_a1.pk])
    assert client_for(personas.member_a1).get(url).status_code == 405


def test_the_page_carries_the_autosave_wiring_and_no_inline_script(ur, personas, client_for):
    page = client_for(personas.member_a1).get(
        reverse("appraisal:self_review", args=[ur.pk, personas.member_record_a1.pk])
    )
    text = page.content.decode()
    assert 'data-autosave-url="/danh-gia/ban-kiem-diem/' in text and "/static/js/self_review.js" in text
    assert "<script>" not in text and "onclick" not in text


def test_the_members_home_has_this_years_form_one_click_away(ur, personas, client_for):
    home = client_for(personas.member_a1).get(reverse("home"))
    assert home.status_code == 200
    link = reverse("appraisal:self_review", args=[ur.pk, personas.member_record_a1.pk])
    assert link in home.content.decode() and "Viết bản kiểm điểm năm nay" in home.content.decode()
