"""The self-review pages' forms: what cannot be read is refused with a Vietnamese message naming the field, and
nothing is written."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from appraisal.forms import REASON_MAX, ReasonForm
from appraisal.models import SelfReview, SelfReviewState
from appraisal.selectors.self_reviews import member_form
from appraisal.self_review_forms import ReopenForm, SelfReviewForm
from audit.models import AuditEntry

from .factories import form_data, open_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def ur(personas):
    return open_review(personas.ward_a, personas.cell_a1)


def page(ur, member):
    return reverse("appraisal:self_review", args=[ur.pk, member.pk])


def submitted(ur, personas, client_for) -> SelfReview:
    member = personas.member_record_a1
    data = {**form_data(member_form(ur, member).structure, level="httnv"), "action": "submit"}
    assert client_for(personas.member_a1).post(page(ur, member), data).status_code == 302
    return SelfReview.objects.get(member=member)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_reason_form_needs_a_reason_and_says_what_for():
    assert ReasonForm({"reason": "  "}).errors["reason"] == ["Cần ghi lý do."]
    form = ReasonForm({"reason": ""}, required_message="Cần ghi lý do trả lại bản kiểm điểm.")
    assert form.errors["reason"] == ["Cần ghi lý do trả lại bản kiểm điểm."]
    form = ReasonForm({"reason": "x" * (REASON_MAX + 1)})
    assert form.errors["reason"] == [f"Lý do dài tối đa {REASON_MAX} ký tự (đã nhập {REASON_MAX + 1} ký tự)."]
    assert ReasonForm({"reason": " Bổ sung mục II "}).is_valid()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("   ", "Cần ghi lý do trả lại bản kiểm điểm."),
        ("x" * (REASON_MAX + 1), "Lý do dài tối đa"),
        ("Sửa\x00lại", "ký tự rỗng (NUL)"),
    ],
)
def test_returning_without_a_readable_reason_is_refused_and_changes_nothing(ur, personas, client_for, reason, message):
    review = submitted(ur, personas, client_for)
    audited = AuditEntry.objects.count()
    url = reverse("appraisal:self_review_return", args=[review.pk])
    response = client_for(personas.sec_a1).post(url, {"reason": reason}, follow=True)
    assert any(message in text for text in messages_of(response)), messages_of(response)
    review.refresh_from_db()
    assert review.state == SelfReviewState.SUBMITTED and review.return_reason == ""
    assert AuditEntry.objects.count() == audited


def test_the_reason_typed_is_what_the_member_reads(ur, personas, client_for):
    review = submitted(ur, personas, client_for)
    url = reverse("appraisal:self_review_return", args=[review.pk])
    response = client_for(personas.sec_a1).post(url, {"reason": "  Bổ sung mục II  "}, follow=True)
    assert "Đã trả lại bản kiểm điểm của" in " ".join(messages_of(response))
    review.refresh_from_db()
    assert review.state == SelfReviewState.RETURNED and review.return_reason == "Bổ sung mục II"


def test_the_reopen_form_reads_dd_mm_yyyy():
    form = ReopenForm({"until": "05/01/2026"})
    assert form.is_valid() and form.cleaned_data["until"] == datetime.date(2026, 1, 5)
    for typed in ("", "32/12/2025", "12/31/2025", "mai", "05/01/26x"):
        assert ReopenForm({"until": typed}).errors["until"] == ["Ngày được nộp muộn cần nhập theo dạng dd/mm/yyyy."]


@pytest.mark.parametrize("until", ["", "31-12-2025x", "ngày mai", "30/02/2026"])
def test_reopening_with_an_unreadable_day_is_refused_and_writes_nothing(ur, personas, client_for, until):
    member = personas.member_record_a1
    url = reverse("appraisal:self_review_reopen", args=[ur.pk, member.pk])
    response = client_for(personas.sec_a1).post(url, {"until": until}, follow=True)
    assert messages_of(response) == ["Ngày được nộp muộn cần nhập theo dạng dd/mm/yyyy."]
    assert not SelfReview.objects.exists() and not AuditEntry.objects.filter(action="self_review.reopened").exists()


def test_reopening_until_a_day_typed_dd_mm_yyyy(ur, personas, client_for):
    member = personas.member_record_a1
    until = datetime.date.today() + datetime.timedelta(days=3)
    url = reverse("appraisal:self_review_reopen", args=[ur.pk, member.pk])
    response = client_for(personas.sec_a1).post(url, {"until": until.strftime("%d/%m/%Y")}, follow=True)
    assert f"được nộp bản kiểm điểm đến hết ngày {until:%d/%m/%Y}" in " ".join(messages_of(response))
    assert SelfReview.objects.get(member=member).reopened_until == until


# -- the self-review form ---------------------------------------------------------------------------------------


def test_the_form_reads_each_part_of_the_structure_into_typed_values(ur, personas):
    from appraisal.rules import Level

    structure = member_form(ur, personas.member_record_a1).structure
    data = form_data(structure, general="27,5", tasks="6x", level="httnv")
    data.update({"t:A.II": "Thu\u0309y\x00\x07 ", "rs:0": "Chưa đóng đảng phí", "r:0": "Đã đóng", "s:g1": "27,5" * 10})
    form = SelfReviewForm(data, structure=structure)
    assert form.is_valid(), form.errors
    entry = form.entry()
    assert entry.proposed_level is Level.GOOD and entry.texts["A.II"] == "Thủy"
    assert entry.scores["t1"] == "6x" and len(entry.scores["g1"]) == 20  # kept as typed, cut at 20
    assert entry.conditions["tasks_exceeding"] == "4"
    content = entry.content(structure)
    assert content["remedies"] == [{"shortcoming": "Chưa đóng đảng phí", "remedy": "Đã đóng"}]
    assert set(content) == {*structure.text_codes(), "scores", "conditions", "remedies"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("proposed_level", "rat_tot", "«Tự đề xuất xếp loại»: lựa chọn không hợp lệ, hãy chọn lại."),
        ("g:A.I.3", "gioi", "«Tự đánh giá tiêu chí «3. Về việc thực hiện cam kết tu dưỡng"),
    ],
)
def test_a_choice_the_page_does_not_offer_is_refused_naming_the_field_and_nothing_is_written(
    personas, client_for, field, value, message
):
    ur = open_review(personas.ward_a, personas.cell_a1, year=2023, rule_set="hd25-2023")
    member = personas.member_record_a1
    data = {**form_data(member_form(ur, member).structure, level="httnv"), field: value, "action": "submit"}
    response = client_for(personas.member_a1).post(page(ur, member), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert "Nội dung A.II" in response.content.decode()  # what was typed is shown again
    assert not SelfReview.objects.exists() and not AuditEntry.objects.filter(action__startswith="self_review").exists()


def test_the_autosave_refuses_an_unreadable_choice_with_409_and_the_fields_name(ur, personas, client_for):
    member = personas.member_record_a1
    url = reverse("appraisal:self_review_autosave", args=[ur.pk, member.pk])
    data = {**form_data(member_form(ur, member).structure), "proposed_level": "xuat_sac"}
    answer = client_for(personas.member_a1).post(url, data)
    assert answer.status_code == 409
    assert answer.json()["message"] == "«Tự đề xuất xếp loại»: lựa chọn không hợp lệ, hãy chọn lại."
    assert not SelfReview.objects.exists()


def test_the_autosave_of_a_started_form_reads_it_by_its_own_variant(ur, personas, client_for):
    member = personas.member_record_a1
    url = reverse("appraisal:self_review_autosave", args=[ur.pk, member.pk])
    client = client_for(personas.member_a1)
    data = {**form_data(member_form(ur, member).structure, level="httnv"), "client_token": "t" * 100}
    assert client.post(url, data).json()["token"] == "t" * 80
    data["t:A.II"] = "Lần hai"
    answer = client.post(url, data).json()
    assert answer["ok"] and answer["max_level"] == "httnv"
    assert SelfReview.objects.get().content["A.II"] == "Lần hai"


def test_the_cells_report_refuses_an_unreadable_level_and_writes_nothing(ur, personas, client_for):
    from appraisal.models import CollectiveReport
    from appraisal.selectors.self_reviews import collective_structure

    url = reverse("appraisal:collective_report", args=[ur.cycle_id, ur.unit_id])
    data = {**form_data(collective_structure(ur), level="httnv"), "proposed_level": "10", "action": "complete"}
    response = client_for(personas.sec_a1).post(url, data)
    assert response.status_code == 200
    assert "«Tự đề xuất xếp loại»: lựa chọn không hợp lệ" in response.content.decode()
    assert not CollectiveReport.objects.exists()


def test_a_submission_number_that_is_not_one_shows_the_current_form(ur, personas, client_for):
    review = submitted(ur, personas, client_for)
    for number in ("abc", "99999999999999999999999", "-1", "7"):
        response = client_for(personas.sec_a1).get(page(ur, review.member), {"lan": number})
        assert response.status_code == 200 and "Nội dung A.II" in response.content.decode()


def test_the_criteria_list_with_a_nul_is_refused_naming_the_group(personas, client_for):
    from appraisal.models import ReviewCycle

    ur = open_review(personas.ward_a, personas.cell_a1)
    ReviewCycle.objects.filter(pk=ur.cycle_id).update(state="draft")
    url = reverse("appraisal:cycle_score_criteria", args=[ur.cycle_id])
    response = client_for(personas.staff_a).post(url, {"general": "Chính trị\x00 | 30", "tasks": "Nhiệm vụ | 70"})
    text = response.content.decode()
    assert response.status_code == 200 and "Nhóm tiêu chí chung: Nội dung có ký tự rỗng (NUL)" in text
    assert ReviewCycle.objects.get(pk=ur.cycle_id).score_criteria == {}


def test_the_autosave_refuses_points_above_the_items_maximum_naming_the_field_and_saves_nothing(
    ur, personas, client_for
):
    member = personas.member_record_a1
    url = reverse("appraisal:self_review_autosave", args=[ur.pk, member.pk])
    structure = member_form(ur, member).structure
    item = structure.score_groups[0].items[0]
    data = {**form_data(structure), f"s:{item.code}": str(item.max_points + 1)}
    answer = client_for(personas.member_a1).post(url, data)
    assert answer.status_code == 409
    body = answer.json()
    assert list(body["fields"]) == [f"s:{item.code}"]
    assert f"điểm phải từ 0 đến {item.max_points}, đã nhập {item.max_points + 1}." in body["fields"][f"s:{item.code}"]
    assert body["message"] == body["fields"][f"s:{item.code}"]
    assert not SelfReview.objects.exists()
    data[f"s:{item.code}"] = "-"  # a figure being typed: saved as typed, as drafts are
    answer = client_for(personas.member_a1).post(url, data).json()
    assert answer["ok"] and answer["fields"] == {} and answer["max_level"] == ""
    assert answer["problems"]


def test_a_draft_saved_with_points_above_the_maximum_shows_the_field_marked(ur, personas, client_for):
    member = personas.member_record_a1
    structure = member_form(ur, member).structure
    item = structure.score_groups[0].items[0]
    client = client_for(personas.member_a1)
    data = {**form_data(structure), f"s:{item.code}": str(item.max_points + 1), "action": "save"}
    client.post(page(ur, member), data)
    html = client.get(page(ur, member)).content.decode()
    field = html.split(f'name="s:{item.code}"', 1)[0].rsplit("<input", 1)[1]
    assert "is-invalid" in field
    assert f"điểm phải từ 0 đến {item.max_points}, đã nhập {item.max_points + 1}." in html
