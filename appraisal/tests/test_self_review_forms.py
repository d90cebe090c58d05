"""Every form variant of each rule set through the page, and the level derivation at its boundaries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.models import SelfReview, SelfReviewState
from appraisal.selectors.self_reviews import member_form

from .factories import entry_of, form_data, open_review

pytestmark = pytest.mark.django_db

VARIANTS = [
    # rule set, year, leader, outside the political system, form code, words that must be on the page
    ("hd21-2019", 2021, False, False, "02-HD KĐ.ĐG 2019", ["VII. Tự nhận mức xếp loại chất lượng", "Xếp loại cán bộ"]),
    ("hd21-2019", 2021, True, False, "02-HD KĐ.ĐG 2019", ["4. Đối với cán bộ lãnh đạo", "5. Đối với cán bộ lãnh đạo"]),
    ("hd25-2023", 2023, False, False, "02A", ["VII. Tự nhận mức xếp loại chất lượng", "Tự đánh giá"]),
    ("hd25-2023", 2023, True, False, "02B", ["(Cá nhân giữ chức vụ lãnh đạo, quản lý)", "nêu gương"]),
    ("hd43-2025", 2025, True, False, "2A", ["BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN", "nêu gương"]),
    ("hd43-2025", 2025, False, False, "2B", ["B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI", "Nhóm tiêu chí chung"]),
    (
        "hd43-2025",
        2025,
        False,
        True,
        "2C",
        ["(Đảng viên không làm việc trong hệ thống chính trị)", "theo phân công của chi bộ"],
    ),
]
SECTIONS = [
    "A. NỘI DUNG KIỂM ĐIỂM",
    "I. Ưu điểm, kết quả đạt được",
    "II. Hạn chế, khuyết điểm và nguyên nhân",
    "III. Kết quả khắc phục những hạn chế, khuyết điểm đã được chỉ ra ở các kỳ kiểm điểm trước",
    "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
    "V. Làm rõ trách nhiệm của cá nhân đối với hạn chế, khuyết điểm của tập thể (nếu có)",
    "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
]


def page_of(client_for, personas, ur):
    url = reverse("appraisal:self_review", args=[ur.pk, personas.member_record_a1.pk])
    return url, client_for(personas.member_a1)


@pytest.mark.parametrize(("rule_set", "year", "leader", "outside", "code", "words"), VARIANTS)
def test_every_variant_through_the_page(personas, client_for, rule_set, year, leader, outside, code, words):
    member = personas.member_record_a1
    member.holds_leadership_post, member.in_political_system = leader, not outside
    member.workplace, member.government_post = "Trường Tiểu học Mạc Đĩnh Chi", "Giáo viên"
    member.save()
    ur = open_review(personas.ward_a, personas.cell_a1, year=year, rule_set=rule_set)
    url, client = page_of(client_for, personas, ur)
    text = client.get(url).content.decode()
    for word in [*SECTIONS, *words, "ĐẢNG CỘNG SẢN VIỆT NAM", f"Năm {year}", "Trường Tiểu học Mạc Đĩnh Chi"]:
        assert word in text, word
    assert ("4. Đối với cán bộ lãnh đạo" in text) is leader
    response = client.post(url, {**form_data(member_form(ur, member).structure, level="htnv"), "action": "submit"})
    assert response.status_code == 302
    review = SelfReview.objects.get(member=member)
    assert review.form_code == code and review.leader is leader and review.state == SelfReviewState.SUBMITTED
    assert review.proposed_level == "htnv"


SCORE_BOUNDARIES = [
    ("20", "69,9", "htxsnv", "httnv"),  # 89.9: good
    ("20", "70", "htxsnv", "htxsnv"),  # 90: excellent
    ("0", "69.9", "httnv", "htnv"),  # 69.9: completed
    ("0", "70", "httnv", "httnv"),  # 70: good
    ("0", "49,9", "htnv", "khtnv"),  # 49.9: not completed
    ("0", "50", "htnv", "htnv"),  # 50: completed
]


@pytest.mark.parametrize(("general", "tasks", "proposed", "allowed"), SCORE_BOUNDARIES)
def test_2025_score_bands_at_their_boundaries_through_the_form(personas, client_for, general, tasks, proposed, allowed):
    ur = open_review(personas.ward_a, personas.cell_a1)
    url, client = page_of(client_for, personas, ur)
    structure = member_form(ur, personas.member_record_a1).structure
    data = {**form_data(structure, general=general, tasks=tasks, level=proposed), "action": "submit"}
    response = client.post(url, data)
    review = SelfReview.objects.get()
    if proposed == allowed:
        assert response.status_code == 302 and review.state == SelfReviewState.SUBMITTED
    else:
        assert response.status_code == 200 and review.state == SelfReviewState.DRAFT
        assert "cao hơn mức được phép" in response.content.decode()
        data["proposed_level"] = allowed
        assert client.post(url, data).status_code == 302
        review.refresh_from_db()
        assert review.state == SelfReviewState.SUBMITTED and review.proposed_level == allowed


def test_hard_conditions_lower_the_2025_level(personas, client_for):
    ur = open_review(personas.ward_a, personas.cell_a1)
    url, client = page_of(client_for, personas, ur)
    structure = member_form(ur, personas.member_record_a1).structure
    # 95 points but only 2 of 10 tasks beyond target (< 30%): at most good.
    data = form_data(structure, general="30", tasks="65", level="htxsnv", conditions={"tasks_exceeding": "2"})
    response = client.post(url, {**data, "action": "submit"})
    text = response.content.decode()
    assert "cao hơn mức được phép" in text and "Hoàn thành tốt nhiệm vụ" in text
    assert "chưa có từ 30% nhiệm vụ trở lên hoàn thành vượt mức" in text


def test_points_typed_with_a_comma_are_read_the_vietnamese_way(personas):
    ur = open_review(personas.ward_a, personas.cell_a1)
    member = personas.member_record_a1
    from appraisal.services import self_review_save

    structure = member_form(ur, member).structure
    entry = entry_of(structure, form_data(structure, general="27,5", tasks="62,25", level="httnv"))
    review, assessment = self_review_save(actor=personas.member_a1, unit_review=ur, member=member, entry=entry)
    review.refresh_from_db()
    assert str(review.general_score) == "27.50" and str(review.tasks_score) == "62.25"
    assert str(assessment.total) == "89.75" and assessment.max_level.value == "httnv"


@pytest.mark.parametrize(
    ("general", "tasks", "message"),
    [
        ("30,5", "60", "Nhóm tiêu chí chung: điểm phải từ 0 đến 30 (tối đa 30 điểm), nhận được 30,5."),
        ("20", "71", "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ: điểm phải từ 0 đến 70 (tối đa 70 điểm)"),
        ("-1", "60", "Nhóm tiêu chí chung: điểm phải từ 0 đến 30"),
        ("hai mươi", "60", "không phải là một số"),
    ],
)
def test_out_of_range_points_are_refused_naming_the_group_and_its_maximum(
    personas, client_for, general, tasks, message
):
    ur = open_review(personas.ward_a, personas.cell_a1)
    url, client = page_of(client_for, personas, ur)
    structure = member_form(ur, personas.member_record_a1).structure
    response = client.post(
        url, {**form_data(structure, general=general, tasks=tasks, level="htnv"), "action": "submit"}
    )
    assert response.status_code == 200 and message in response.content.decode()
    review = SelfReview.objects.get()
    assert review.state == SelfReviewState.DRAFT and review.versions.count() == 0
    assert review.content["scores"]["g1"] == general  # the draft keeps what was typed


def test_a_cycles_detailed_criteria_are_scored_item_by_item(personas, client_for):
    from appraisal.services import cycle_score_criteria_update

    ur = open_review(personas.ward_a, personas.cell_a1)
    from appraisal.models import ReviewCycle

    ReviewCycle.objects.filter(pk=ur.cycle_id).update(state="draft")  # as before the cycle opened
    cycle = ReviewCycle.objects.get(pk=ur.cycle_id)
    cycle_score_criteria_update(
        actor=personas.staff_a,
        cycle=cycle,
        data={
            "general": [
                {"heading": "Chính trị tư tưởng", "max_points": "15"},
                {"heading": "Đạo đức, lối sống", "max_points": "15"},
            ],
            "tasks": [{"heading": "Kết quả nhiệm vụ", "max_points": "70"}],
        },
    )
    ReviewCycle.objects.filter(pk=ur.cycle_id).update(state="open")
    url, client = page_of(client_for, personas, ur)
    text = client.get(url).content.decode()
    assert "Chính trị tư tưởng (tối đa 15 điểm)" in text
    structure = member_form(ur, personas.member_record_a1).structure
    data = {**form_data(structure, general="15", tasks="60", level="httnv"), "s:g2": "16", "action": "submit"}
    text = client.post(url, data).content.decode()
    assert "Nhóm tiêu chí chung, tiêu chí «Đạo đức, lối sống»: điểm phải từ 0 đến 15 (tối đa 15 điểm)" in text
    data["s:g2"] = "14"
    assert client.post(url, data).status_code == 302
    assert str(SelfReview.objects.get().general_score) == "29.00"


GRADE_CASES = [
    # task-result grade, other grades, highest level allowed
    ("xuat_sac", "tot", "htxsnv"),
    ("xuat_sac", "trung_binh", "htnv"),
    ("tot", "xuat_sac", "httnv"),
    ("trung_binh", "tot", "htnv"),
    ("tot", "kem", "khtnv"),
]


@pytest.mark.parametrize("rule_set", ["hd21-2019", "hd25-2023"])
@pytest.mark.parametrize(("task", "others", "allowed"), GRADE_CASES)
def test_grades_give_the_highest_level_and_a_higher_proposal_is_refused(
    personas, client_for, rule_set, task, others, allowed
):
    year = 2021 if rule_set == "hd21-2019" else 2023
    ur = open_review(personas.ward_a, personas.cell_a1, year=year, rule_set=rule_set)
    url, client = page_of(client_for, personas, ur)
    structure = member_form(ur, personas.member_record_a1).structure
    order = ["htxsnv", "httnv", "htnv", "khtnv"]
    higher = order[order.index(allowed) - 1] if allowed != "htxsnv" else None
    data = {**form_data(structure, grade=others, task_grade=task), "action": "submit"}
    if higher:
        data["proposed_level"] = higher
        assert "cao hơn mức được phép" in client.post(url, data).content.decode()
    data["proposed_level"] = allowed
    assert client.post(url, data).status_code == 302
    assert SelfReview.objects.get().proposed_level == allowed


def test_a_lower_proposal_than_allowed_is_accepted(personas, client_for):
    ur = open_review(personas.ward_a, personas.cell_a1, year=2023, rule_set="hd25-2023")
    url, client = page_of(client_for, personas, ur)
    structure = member_form(ur, personas.member_record_a1).structure
    data = {**form_data(structure, grade="tot", task_grade="xuat_sac", level="htnv"), "action": "submit"}
    assert client.post(url, data).status_code == 302


def test_a_grade_left_out_is_named(personas, client_for):
    ur = open_review(personas.ward_a, personas.cell_a1, year=2023, rule_set="hd25-2023")
    url, client = page_of(client_for, personas, ur)
    structure = member_form(ur, personas.member_record_a1).structure
    data = {**form_data(structure, level="httnv"), "action": "submit"}
    del data["g:A.I.3"]
    text = client.post(url, data).content.decode()
    assert "Chưa tự đánh giá tiêu chí «3. Về việc thực hiện cam kết tu dưỡng" in text


def test_caps_of_the_rule_set_bound_the_proposal(personas, client_for):
    import datetime

    from members.models import MemberStatus, StatusKind

    MemberStatus.objects.create(
        member=personas.member_record_a1,
        kind=StatusKind.SICK_LEAVE,
        start_date=datetime.date(2023, 2, 1),
        end_date=datetime.date(2023, 6, 30),
        months=5,
    )
    ur = open_review(personas.ward_a, personas.cell_a1, year=2023, rule_set="hd25-2023")
    url, client = page_of(client_for, personas, ur)
    structure = member_form(ur, personas.member_record_a1).structure
    data = {**form_data(structure, grade="tot", task_grade="xuat_sac", level="htxsnv"), "action": "submit"}
    text = client.post(url, data).content.decode()
    assert "Nghỉ ốm từ 3 tháng trở lên" in text and "cao hơn mức được phép" in text
