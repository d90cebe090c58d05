"""Each form variant's sections and criteria, as RULES.md "Forms and documents" words them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal.rules import MemberFacts, SectionKind, get_rule_set, parse_points, score_groups_from_data
from appraisal.rules.forms import default_score_groups, format_points, score_groups_to_data

PLAIN = MemberFacts()
LEADER = MemberFacts(holds_leadership_post=True)
OUTSIDE = MemberFacts(in_political_system=False)

COMMON_SECTIONS = [
    "I. Ưu điểm, kết quả đạt được",
    "II. Hạn chế, khuyết điểm và nguyên nhân",
    "III. Kết quả khắc phục những hạn chế, khuyết điểm đã được chỉ ra ở các kỳ kiểm điểm trước",
    "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
    "V. Làm rõ trách nhiệm của cá nhân đối với hạn chế, khuyết điểm của tập thể (nếu có)",
    "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
]


@pytest.mark.parametrize(
    ("code", "facts", "variant", "leader"),
    [
        ("hd21-2019", PLAIN, "02-HD KĐ.ĐG 2019", False),
        ("hd21-2019", LEADER, "02-HD KĐ.ĐG 2019", True),
        ("hd25-2023", PLAIN, "02A", False),
        ("hd25-2023", LEADER, "02B", True),
        ("hd43-2025", PLAIN, "2B", False),
        ("hd43-2025", LEADER, "2A", True),
        ("hd43-2025", OUTSIDE, "2C", False),
    ],
)
def test_every_variant_has_part_a_in_the_forms_sequence_and_leaders_get_their_criteria(code, facts, variant, leader):
    form = get_rule_set(code).member_form(facts)
    assert form.variant.code == variant and form.leader is leader
    part_a = form.parts[0]
    assert part_a.heading == "A. NỘI DUNG KIỂM ĐIỂM"
    assert [s.title for s in part_a.sections[:6]] == COMMON_SECTIONS
    assert part_a.sections[2].kind is SectionKind.REMEDIES
    leader_items = [c for c in form.criteria if c.leader_only]
    assert bool(leader_items) is leader
    if leader:
        assert "lãnh đạo, chỉ đạo" in leader_items[0].heading and "nêu gương" in leader_items[1].heading
    assert [label for _, label in form.header_fields] == [
        "Họ và tên",
        "Ngày sinh",
        "Chức vụ Đảng",
        "Chức vụ chính quyền",
        "Chức vụ đoàn thể",
        "Đơn vị công tác",
        "Chi bộ",
    ]
    assert form.footer[0].heading == "NGƯỜI TỰ KIỂM ĐIỂM"


@pytest.mark.parametrize("code", ["hd21-2019", "hd25-2023"])
def test_criteria_years_grade_each_criterion_and_end_with_the_self_proposed_level(code):
    form = get_rule_set(code).member_form(PLAIN)
    assert form.method == "criteria" and form.score_groups == ()
    assert all(c.graded for c in form.criteria)
    assert form.task_result_criterion.code == "A.I.2"
    last = form.sections[-1]
    assert last.kind is SectionKind.PROPOSAL and last.title == "VII. Tự nhận mức xếp loại chất lượng"
    assert form.civil_servant_rating is (code == "hd21-2019")


def test_2025_scores_30_70_in_part_b_and_grades_nothing():
    form = get_rule_set("hd43-2025").member_form(PLAIN)
    assert form.method == "score_100" and not any(c.graded for c in form.criteria)
    part_b = form.parts[1]
    assert part_b.heading == "B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI"
    assert [(s.kind, s.title) for s in part_b.sections] == [
        (SectionKind.SCORES, "I. Tự chấm điểm"),
        (SectionKind.PROPOSAL, "II. Đề xuất xếp loại"),
    ]
    assert [(g.heading, g.max_points) for g in form.score_groups] == [
        ("Nhóm tiêu chí chung", Decimal(30)),
        ("Nhóm tiêu chí về kết quả thực hiện nhiệm vụ", Decimal(70)),
    ]


def test_2c_speaks_of_the_members_duties_as_the_cell_assigns():
    rules = get_rule_set("hd43-2025")
    outside = rules.member_form(OUTSIDE)
    assert outside.variant.subtitle == "(Đảng viên không làm việc trong hệ thống chính trị)"
    assert outside.criteria[1].heading == "Về thực hiện quyền và nhiệm vụ của đảng viên theo phân công của chi bộ"
    assert "chức trách, nhiệm vụ được giao" in rules.member_form(PLAIN).criteria[1].heading


@pytest.mark.parametrize(("code", "count"), [("hd21-2019", 5), ("hd25-2023", 5), ("hd43-2025", 4)])
def test_collective_report_mau_01(code, count):
    form = get_rule_set(code).collective_form_structure()
    assert form.collective and form.variant.code == "01" and len(form.criteria) == count
    assert form.sections[4].heading.startswith("Làm rõ trách nhiệm của tập thể và cá nhân")
    if code == "hd43-2025":
        assert form.criteria[0].heading == "Việc thực hiện nguyên tắc tập trung dân chủ, quy chế làm việc"
        assert [g.max_points for g in form.score_groups] == [30, 70]
    else:
        assert all(c.graded for c in form.criteria) and "Hồ Chí Minh" in form.criteria[2].heading


def test_a_cycle_may_detail_the_2025_groups_if_each_adds_up_to_its_maximum():
    data = {
        "general": [
            {"heading": "Chính trị tư tưởng", "max_points": "10"},
            {"heading": "Đạo đức, lối sống", "max_points": "10,5"},
            {"heading": "Ý thức tổ chức kỷ luật", "max_points": "9.5"},
        ],
        "tasks": [{"code": "t1", "heading": "Kết quả nhiệm vụ", "max_points": 70}],
    }
    groups = score_groups_from_data(data)
    assert [item.code for item in groups[0].items] == ["g1", "g2", "g3"]
    assert groups[0].items[1].max_points == Decimal("10.5")
    assert score_groups_from_data(score_groups_to_data(groups)) == groups
    form = get_rule_set("hd43-2025").member_form(PLAIN, score_groups=groups)
    assert len(form.score_groups[0].items) == 3
    assert score_groups_from_data({}) == default_score_groups()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"general": [{"heading": "A", "max_points": "25"}], "tasks": [{"heading": "B", "max_points": "70"}]}, "30"),
        ({"general": [{"heading": "", "max_points": "30"}], "tasks": [{"heading": "B", "max_points": "70"}]}, "tên"),
        ({"general": [{"heading": "A", "max_points": "ba"}], "tasks": [{"heading": "B", "max_points": "70"}]}, "số"),
        ({"general": [{"heading": "A", "max_points": "30"}], "tasks": []}, "ít nhất"),
    ],
)
def test_a_bad_criteria_list_is_refused_with_a_message(data, message):
    with pytest.raises(ValueError, match=message):
        score_groups_from_data(data)


@pytest.mark.parametrize(
    ("typed", "value"), [("27,5", "27.5"), ("27.5", "27.5"), (" 30 ", "30"), ("1.000,5", "1000.5"), ("0,25", "0.25")]
)
def test_points_are_read_the_vietnamese_way(typed, value):
    assert parse_points(typed, "Điểm") == Decimal(value)


def test_points_are_written_the_vietnamese_way():
    assert [format_points(Decimal(v)) for v in ("27.50", "30.00", "0.25")] == ["27,5", "30", "0,25"]


def test_a_stored_form_code_gives_back_its_variant():
    rules = get_rule_set("hd43-2025")
    assert rules.variant_for_code("2C").subtitle.startswith("(Đảng viên không")
    assert rules.variant_for_code("01") == rules.collective_form
    with pytest.raises(ValueError):
        rules.variant_for_code("02B")
