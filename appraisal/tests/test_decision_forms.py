"""The committee's pages read what is posted through forms (DecisionForm, ReasonForm, BulkApproveForm,
QuotaGroupForm, AuditFilterForm, DocumentSearchForm, CloseConfirmForm): bad input is answered with a Vietnamese
message on the page and nothing is written; good input reaches the services as typed values."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from appraisal.decision_forms import Action, BulkApproveForm, DecisionForm, QuotaGroupForm
from appraisal.forms import AuditFilterForm, DocumentSearchForm
from appraisal.models import CycleState, QuotaGroup, QuotaRaise, Rating, ReviewCycle, UnitReview, UnitReviewState
from appraisal.rules import Level, Subject
from appraisal.selectors.audit import action_choices
from appraisal.selectors.decisions import decidable_ratings
from appraisal.services import Decision
from audit.models import AuditEntry

from .factories import cycle as make_cycle
from .factories import document, propose

pytestmark = pytest.mark.django_db
E, G, C = "htxsnv", "httnv", "htnv"


@pytest.fixture
def setup(personas):
    cycle = make_cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)
    review = propose(UnitReview.objects.get(root=cycle, unit=personas.cell_a1), levels=[E, G, G, G, G])
    return cycle, review


def _nothing_decided(review: UnitReview, state=UnitReviewState.SUBMITTED) -> bool:
    review.refresh_from_db()
    written = AuditEntry.objects.filter(action__startswith="rating.").exists()
    return review.state == state and not Rating.objects.exclude(decided_level="").exists() and not written


def test_the_decision_form_gives_the_services_typed_decisions(setup):
    _cycle, review = setup
    ratings = decidable_ratings(review)
    target = next(r for r in ratings if r.proposed_level == E)
    data = {
        "action": "approve",
        "revision": str(review.revision),
        f"level_{target.pk}": C,
        f"reason_{target.pk}": " x ",
    }
    form = DecisionForm(data, review=review, ratings=ratings)
    assert form.is_valid(), form.errors
    assert form.action_requested is Action.APPROVE
    kwargs = form.service_kwargs()
    assert kwargs["revision"] == review.revision
    assert kwargs["decisions"][target.pk] == Decision(Level.COMPLETED, "x")
    assert kwargs["decisions"][target.pk].level is Level.COMPLETED
    others = [r for r in ratings if r.pk != target.pk]
    assert all(kwargs["decisions"][r.pk] == Decision(r.proposed_level, "") for r in others)
    check = DecisionForm({"action": "check"}, review=review, ratings=ratings)
    assert check.is_valid() and check.action_requested is None  # a recount needs no revision


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "approve", "level": "xuất sắc"}, "không hợp lệ."),
        ({"action": "phê duyệt"}, "Thao tác không hợp lệ"),
        ({"action": "approve", "revision": ""}, "Trang thiếu phiên bản dữ liệu"),
        ({"action": "approve", "revision": "mười"}, "Trang thiếu phiên bản dữ liệu"),
        ({"action": "approve", "reason_row": "x" * 501}, "dài tối đa 500 ký tự"),
        ({"action": "approve", "quota_exception_reason": "a\x00b"}, "ký tự rỗng"),
        ({"action": "return", "reason": "   "}, "Trả lại đề nghị cần ghi rõ lý do để chi bộ sửa."),
        ({"action": "return", "reason": "x" * 5001}, "Lý do dài tối đa 5000 ký tự"),
    ],
)
def test_bad_input_on_the_decision_page_is_refused_in_vietnamese_and_writes_nothing(
    personas, setup, client_for, data, message
):
    _cycle, review = setup
    target = Rating.objects.filter(unit_review=review, proposed_level=E).first()
    posted = {"revision": review.revision, **data}
    if "level" in posted:
        posted[f"level_{target.pk}"] = posted.pop("level")
    if "reason_row" in posted:
        posted[f"reason_{target.pk}"] = posted.pop("reason_row")
    page = client_for(personas.staff_a).post(reverse("appraisal:decision", args=[review.pk]), posted)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert _nothing_decided(review)


def test_an_unknown_level_names_whose_it_is_and_the_typed_values_stay(personas, setup, client_for):
    _cycle, review = setup
    target = Rating.objects.filter(unit_review=review, proposed_level=G).select_related("member").first()
    url = reverse("appraisal:decision", args=[review.pk])
    data = {
        "action": "approve",
        "revision": review.revision,
        f"level_{target.pk}": "zz",
        f"reason_{target.pk}": "Lý do",
    }
    text = client_for(personas.staff_a).post(url, data).content.decode()
    assert f"Mức xếp loại của {target.member.full_name} không hợp lệ." in text
    assert 'value="Lý do"' in text
    assert _nothing_decided(review)


def test_reopening_needs_a_reason_from_the_form(personas, setup, client_for):
    _cycle, review = setup
    client = client_for(personas.staff_a)
    url = reverse("appraisal:decision", args=[review.pk])
    client.post(url, {"action": "approve", "revision": review.revision, "quota_exception_reason": "Ngoại lệ"})
    review.refresh_from_db()
    assert review.state == UnitReviewState.APPROVED
    page = client.post(url, {"action": "reopen", "revision": review.revision, "reason": ""})
    assert "Mở lại kết quả đã phê duyệt cần ghi rõ lý do." in page.content.decode()
    review.refresh_from_db()
    assert review.state == UnitReviewState.APPROVED
    assert not AuditEntry.objects.filter(action="unit_review.reopened").exists()


def test_bulk_approval_reads_only_well_formed_picks_of_the_committees_units(personas, setup, client_for):
    cycle, review = setup
    other_cycle = make_cycle(personas.ward_b, year=2021, rule_set="hd21-2019", opened=True)
    outside = propose(UnitReview.objects.get(root=other_cycle, unit=personas.cell_b1), levels=[G] * 5)
    form = BulkApproveForm(
        {"review": [f"{review.pk}", "x:1", f"{review.pk}:²", f"{outside.pk}:{outside.revision}", "9" * 30 + ":1"]},
        root_id=cycle.pk,
        committee=personas.ward_a,
    )
    assert not form.is_valid()
    assert form.errors["review"] == ["Chưa chọn đơn vị nào để phê duyệt."]
    url = reverse("appraisal:bulk_approve", args=[cycle.pk, personas.ward_a.pk])
    page = client_for(personas.staff_a).post(url, {"review": [f"{outside.pk}:{outside.revision}"]}, follow=True)
    assert "Chưa chọn đơn vị nào để phê duyệt." in page.content.decode()
    assert _nothing_decided(review) and _nothing_decided(outside)
    good = BulkApproveForm({"review": [f"{review.pk}:{review.revision}"]}, root_id=cycle.pk, committee=personas.ward_a)
    assert good.is_valid() and good.cleaned_data["review"] == [(review.pk, review.revision)]


def test_the_quota_groups_form_parses_codes_and_refuses_bad_input(personas, client_for):
    cycle = make_cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)
    form = QuotaGroupForm({"name": " Cán bộ ", "subject": "member", "codes": "2A; 2B, ,2A"})
    assert form.is_valid()
    assert form.cleaned_data == {"name": "Cán bộ", "subject": Subject.MEMBER, "codes": ["2A", "2B", "2A"]}
    url = reverse("appraisal:quota_groups", args=[cycle.pk, personas.ward_a.pk])
    client = client_for(personas.staff_a)
    for data, message in (
        ({"name": "Cán bộ", "subject": "member", "codes": " ; , "}, "cần ít nhất một mẫu hoặc loại tổ chức"),
        ({"name": "Cán bộ", "subject": "ai đó", "codes": "2A"}, "Đối tượng không hợp lệ."),
        ({"name": "", "subject": "member", "codes": "2A"}, "Nhóm đối tượng cần có tên."),
    ):
        page = client.post(url, data)
        assert page.status_code == 200 and message in page.content.decode()
    assert not QuotaGroup.objects.exists()
    client.post(url, {"name": "Cán bộ", "subject": "member", "codes": "2A"})
    page = client.post(url, {"name": "Khác", "subject": "member", "codes": "2A"})  # the service's own check
    assert "đã thuộc nhóm «Cán bộ»" in page.content.decode() and 'value="Khác"' in page.content.decode()
    assert QuotaGroup.objects.count() == 1


def test_the_raised_ratio_needs_a_reason_from_the_form(personas, client_for):
    cycle = make_cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)
    url = reverse("appraisal:quota_raise", args=[cycle.pk, personas.ward_a.pk])
    client = client_for(personas.staff_a)
    page = client.post(url, {"reason": "  \t "}, follow=True)
    assert "cần nêu lý do (kết quả nổi bật)" in page.content.decode()
    page = client.post(url, {"reason": "x" * 5001}, follow=True)
    assert "Lý do dài tối đa 5000 ký tự" in page.content.decode()
    assert not QuotaRaise.objects.exists()


def test_the_audit_filters_parse_days_actions_and_units(personas, setup):
    cycle, _review = setup
    form = AuditFilterForm(
        {"tu_ngay": "16/11/2021", "den_ngay": "2021-12-31", "hanh_dong": "unit_review.approved", "nguoi": " Lan  Anh "},
        actions=action_choices(),
    )
    assert form.is_valid()
    assert form.filters() == {
        "person": "Lan Anh",
        "action": "unit_review.approved",
        "start": datetime.date(2021, 11, 16),
        "end": datetime.date(2021, 12, 31),
    }
    bad = AuditFilterForm(
        {"tu_ngay": "31/02/2021", "hanh_dong": "xoá.hết", "don_vi": "một", "trang": "cuối"}, actions=action_choices()
    )
    assert bad.errors == {
        "tu_ngay": ["«31/02/2021» không phải ngày dạng dd/mm/yyyy."],
        "hanh_dong": ["Hành động này không có trong nhật ký của kỳ đánh giá."],
        "don_vi": ["Đơn vị cần chọn trong danh sách."],
    }
    assert bad.filters() == {"person": "", "action": "", "start": None, "end": None}
    assert bad.unit_pk() is None and bad.page() is None


def test_the_audit_page_shows_refused_filters_and_applies_the_others(personas, setup, client_for):
    cycle, review = setup
    client = client_for(personas.staff_a)
    client.post(
        reverse("appraisal:decision", args=[review.pk]),
        {"action": "approve", "revision": review.revision, "quota_exception_reason": "Ngoại lệ"},
    )
    url = reverse("appraisal:cycle_audit", args=[cycle.pk])
    text = client.get(url, {"hanh_dong": "unit_review.approved", "den_ngay": "99/99/2021"}).content.decode()
    assert "«99/99/2021» không phải ngày dạng dd/mm/yyyy." in text
    assert "1 mục" in text and 'value="99/99/2021"' in text
    assert client.get(url, {"don_vi": personas.cell_b1.pk}).status_code == 404


def test_the_register_search_refuses_a_bad_year_and_still_searches_the_code(personas, client_for):
    document(personas.ward_a, code="163-CV/ĐU", issued_on=datetime.date(2021, 10, 28))
    document(personas.ward_a, code="12-KH/ĐU", issued_on=datetime.date(2023, 3, 1))
    assert DocumentSearchForm({"ma": " 163 ", "nam": "2021", "trang": "2"}).is_valid()
    url = reverse("appraisal:document_register", args=[personas.ward_a.pk])
    page = client_for(personas.staff_a).get(url, {"ma": "KH", "nam": "hai nghìn"})
    assert "Năm cần là một số từ 1930 đến 2100." in page.content.decode()
    assert [d.code for d in page.context["page"].object_list] == ["12-KH/ĐU"]


def test_closing_a_cycle_needs_the_pages_confirmation(personas, client_for):
    cycle = make_cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)
    url = reverse("appraisal:cycle_close", args=[cycle.pk])
    client = client_for(personas.staff_a)
    for value in ("0", "", "yes"):
        assert client.post(url, {"xac_nhan": value}).url == url
    assert ReviewCycle.objects.get(pk=cycle.pk).state == CycleState.OPEN
    client.post(url, {"xac_nhan": "1"})
    assert ReviewCycle.objects.get(pk=cycle.pk).state == CycleState.CLOSED
