"""The self-review pages' forms: what cannot be read is refused with a Vietnamese message naming the field, and
nothing is written."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from appraisal.forms import REASON_MAX, ReasonForm
from appraisal.models import SelfReview, SelfReviewState
from appraisal.selectors.self_reviews import member_form
from appraisal.self_review_forms import ReopenForm
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
