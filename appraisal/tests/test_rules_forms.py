"""Which self-review form (bản kiểm điểm cá nhân) each member fills in, per version."""

from __future__ import annotations

import pytest

from appraisal.rules import FormVariant, MemberFacts, get_rule_set

PLAIN = MemberFacts()
LEADER = MemberFacts(holds_leadership_post=True)
OUTSIDE = MemberFacts(in_political_system=False)
OUTSIDE_LEADER = MemberFacts(in_political_system=False, holds_leadership_post=True)

LEADER_SUBTITLE = "(Cá nhân giữ chức vụ lãnh đạo, quản lý)"
OUTSIDE_SUBTITLE = "(Đảng viên không làm việc trong hệ thống chính trị)"
TITLE_2025 = "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN"


@pytest.mark.parametrize("facts", [PLAIN, LEADER, OUTSIDE, OUTSIDE_LEADER])
def test_2019_has_one_form_for_every_member(facts):
    assert get_rule_set("hd21-2019").form_for(facts) == FormVariant("02-HD KĐ.ĐG 2019", "BẢN KIỂM ĐIỂM CÁ NHÂN")


def test_2023_members_without_a_leadership_post_use_02a():
    assert get_rule_set("hd25-2023").form_for(PLAIN) == FormVariant("02A", "BẢN KIỂM ĐIỂM CÁ NHÂN")


def test_2023_leaders_and_managers_use_02b_with_its_subtitle():
    assert get_rule_set("hd25-2023").form_for(LEADER) == FormVariant("02B", "BẢN KIỂM ĐIỂM CÁ NHÂN", LEADER_SUBTITLE)


def test_2023_has_no_form_for_members_outside_the_political_system_so_they_use_02a():
    assert get_rule_set("hd25-2023").form_for(OUTSIDE).code == "02A"


def test_2025_leaders_use_form_2a_while_2023_leaders_use_02b():
    assert get_rule_set("hd43-2025").form_for(LEADER) == FormVariant("2A", TITLE_2025)
    assert get_rule_set("hd25-2023").form_for(LEADER).code == "02B"


def test_2025_members_without_a_leadership_post_use_2b_while_in_2023_they_use_02a():
    assert get_rule_set("hd43-2025").form_for(PLAIN) == FormVariant("2B", TITLE_2025)
    assert get_rule_set("hd25-2023").form_for(PLAIN).code == "02A"


@pytest.mark.parametrize("facts", [OUTSIDE, OUTSIDE_LEADER])
def test_2025_members_outside_the_political_system_use_2c_with_its_subtitle(facts):
    assert get_rule_set("hd43-2025").form_for(facts) == FormVariant("2C", TITLE_2025, OUTSIDE_SUBTITLE)


@pytest.mark.parametrize("code", ["hd21-2019", "hd25-2023", "hd43-2025"])
def test_the_collective_report_uses_form_01_in_every_version(code):
    assert get_rule_set(code).collective_form.code == "01"


def test_a_form_is_named_mau_and_its_code():
    assert get_rule_set("hd25-2023").form_for(LEADER).name == "Mẫu 02B"
