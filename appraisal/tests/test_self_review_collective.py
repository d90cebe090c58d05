"""The cell's own report, the cycle's 2025 criteria page, the member's history of self-reviews and ratings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.models import CollectiveReport, Rating, ReviewCycle, SelfReview
from appraisal.rules import get_rule_set

from .factories import cycle, form_data, open_review

pytestmark = pytest.mark.django_db


def collective_data(rule_set, **kw):
    return form_data(get_rule_set(rule_set).collective_form_structure(), **kw)


def test_2025_collective_report_mau_01_with_its_own_30_70_score(personas, client_for):
    ur = open_review(personas.ward_a, personas.cell_a1)
    url = reverse("appraisal:collective_report", args=[ur.cycle_id, ur.unit_id])
    client = client_for(personas.sec_a1)
    text = client.get(url).content.decode()
    assert "Việc thực hiện nguyên tắc tập trung dân chủ, quy chế làm việc" in text
    assert "Trách nhiệm của tập thể lãnh đạo, quản lý" in text and "Nhóm tiêu chí chung" in text
    data = {**collective_data("hd43-2025", general="28", tasks="63", level="htxsnv"), "action": "complete"}
    response = client.post(url, data)
    assert response.status_code == 302
    report = CollectiveReport.objects.get()
    assert report.state == "submitted" and report.form_code == "01"
    assert str(report.general_score) == "28.00" and report.proposed_level == "htxsnv"


def test_collective_report_refuses_a_level_above_its_score_but_keeps_the_text(personas, client_for):
    ur = open_review(personas.ward_a, personas.cell_a1)
    url = reverse("appraisal:collective_report", args=[ur.cycle_id, ur.unit_id])
    data = {**collective_data("hd43-2025", general="20", tasks="55", level="htxsnv"), "action": "complete"}
    data["t:A.II"] = "Một số đảng viên chưa tích cực"
    response = client_for(personas.sec_a1).post(url, data)
    text = response.content.decode()
    assert response.status_code == 200 and "cao hơn mức được phép" in text
    assert "Một số đảng viên chưa tích cực" in text
    assert not CollectiveReport.objects.filter(state="submitted").exists()


def test_earlier_years_collective_report_grades_its_criteria(personas, client_for):
    ur = open_review(personas.ward_a, personas.cell_a1, year=2021, rule_set="hd21-2019")
    url = reverse("appraisal:collective_report", args=[ur.cycle_id, ur.unit_id])
    client = client_for(personas.sec_a1)
    assert "tư tưởng, đạo đức, phong cách Hồ Chí Minh" in client.get(url).content.decode()
    data = {**collective_data("hd21-2019", grade="tot", task_grade="xuat_sac", level="htxsnv"), "action": "complete"}
    assert client.post(url, data).status_code == 302
    assert CollectiveReport.objects.get().proposed_level == "htxsnv"


def test_the_issuing_committee_details_the_2025_criteria_before_opening(personas, client_for):
    made = cycle(personas.ward_a, year=2025, rule_set="hd43-2025")
    url = reverse("appraisal:cycle_score_criteria", args=[made.pk])
    client = client_for(personas.staff_a)
    assert "Nhóm tiêu chí chung: 30" in client.get(url).content.decode().replace(" điểm", "")
    bad = client.post(url, {"general": "Chính trị | 10\nĐạo đức | 10", "tasks": "Nhiệm vụ | 70"})
    assert "phải bằng 30" in bad.content.decode()
    assert ReviewCycle.objects.get(pk=made.pk).score_criteria == {}
    good = client.post(url, {"general": "Chính trị | 10\nĐạo đức | 12,5\nKỷ luật | 7,5", "tasks": "Nhiệm vụ | 70"})
    assert good.status_code == 302
    stored = ReviewCycle.objects.get(pk=made.pk).score_criteria
    assert [row["heading"] for row in stored["general"]] == ["Chính trị", "Đạo đức", "Kỷ luật"]
    assert client_for(personas.sec_a1).post(url, {"general": "x | 30", "tasks": "y | 70"}).status_code == 404
    assert client_for(personas.staff_b).get(url).status_code == 404


def test_criteria_cannot_change_once_the_cycle_is_open(personas, client_for):
    ur = open_review(personas.ward_a, personas.cell_a1)
    url = reverse("appraisal:cycle_score_criteria", args=[ur.cycle_id])
    response = client_for(personas.staff_a).post(url, {"general": "A | 30", "tasks": "B | 70"})
    assert "đang soạn" in response.content.decode()
    assert ReviewCycle.objects.get(pk=ur.cycle_id).score_criteria == {}


def test_criteria_page_is_only_for_the_score_method(personas, client_for):
    made = cycle(personas.ward_a, year=2023, rule_set="hd25-2023")
    assert (
        client_for(personas.staff_a).get(reverse("appraisal:cycle_score_criteria", args=[made.pk])).status_code == 404
    )


def test_the_members_page_lists_past_self_reviews_and_final_ratings(personas, client_for):
    old = open_review(personas.ward_a, personas.cell_a1, year=2023, rule_set="hd25-2023")
    SelfReview.objects.create(
        unit_review=old, member=personas.member_record_a1, form_code="02A", state="submitted", proposed_level="httnv"
    )
    Rating.objects.create(
        unit_review=old, subject="member", member=personas.member_record_a1, self_level="httnv", decided_level="htxsnv"
    )
    current = open_review(personas.ward_a, personas.cell_a1)
    client = client_for(personas.member_a1)
    text = client.get(reverse("appraisal:my_self_review")).content.decode()
    assert "Năm 2023" in text and "Hoàn thành xuất sắc nhiệm vụ" in text and "Hoàn thành tốt nhiệm vụ" in text
    assert reverse("appraisal:self_review", args=[current.pk, personas.member_record_a1.pk]) in text
    assert client_for(personas.sec_a1).get(reverse("appraisal:my_self_review")).status_code == 404
