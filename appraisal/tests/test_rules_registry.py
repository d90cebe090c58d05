"""Rule sets by code: the registry, the fixed attributes of each version and the per-cycle options."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from appraisal.rules import (
    RULE_SET_CHOICES,
    RULE_SETS,
    Hd21RuleSet,
    Hd25RuleSet,
    Hd43RuleSet,
    QuotaBase,
    RatingMethod,
    Subject,
    UnknownRuleSet,
    VoteThresholds,
    get_rule_set,
    rule_set_code_for_year,
)


def test_the_three_codes_map_to_their_classes():
    assert dict(RULE_SETS) == {"hd21-2019": Hd21RuleSet, "hd25-2023": Hd25RuleSet, "hd43-2025": Hd43RuleSet}


def test_choices_give_each_code_with_its_vietnamese_title_oldest_first():
    assert RULE_SET_CHOICES == [
        ("hd21-2019", "Quy định 132-QĐ/TW và Hướng dẫn 21-HD/BTCTW"),
        ("hd25-2023", "Quy định 124-QĐ/TW và Hướng dẫn 25-HD/BTCTW"),
        ("hd43-2025", "Quy định 366-QĐ/TW và Hướng dẫn 43-HD/BTCTW"),
    ]


@pytest.mark.parametrize(
    "code, regulation, guidance, first_year, last_year",
    [
        ("hd21-2019", "Quy định 132-QĐ/TW", "Hướng dẫn 21-HD/BTCTW", 2019, 2022),
        ("hd25-2023", "Quy định 124-QĐ/TW", "Hướng dẫn 25-HD/BTCTW", 2023, 2024),
        ("hd43-2025", "Quy định 366-QĐ/TW", "Hướng dẫn 43-HD/BTCTW", 2025, None),
    ],
)
def test_each_rule_set_names_its_regulation_guidance_and_years(code, regulation, guidance, first_year, last_year):
    rules = get_rule_set(code)
    assert rules.code == code
    assert (rules.regulation, rules.guidance) == (regulation, guidance)
    assert (rules.first_year, rules.last_year) == (first_year, last_year)


@pytest.mark.parametrize(
    "code, method",
    [
        ("hd21-2019", RatingMethod.CRITERIA),
        ("hd25-2023", RatingMethod.CRITERIA),
        ("hd43-2025", RatingMethod.SCORE_100),
    ],
)
def test_2019_and_2023_grade_criteria_while_2025_scores_out_of_100(code, method):
    assert get_rule_set(code).method is method


@pytest.mark.parametrize(
    "code, base",
    [
        ("hd21-2019", QuotaBase.GRASSROOTS_ORGANISATION),
        ("hd25-2023", QuotaBase.SIMILAR_SUBJECTS),
        ("hd43-2025", QuotaBase.SIMILAR_SUBJECTS),
    ],
)
def test_2019_counts_the_quota_per_grassroots_organisation_later_versions_per_group_of_similar_subjects(code, base):
    assert get_rule_set(code).quota_base is base


@pytest.mark.parametrize("code", list(RULE_SETS))
def test_every_version_rates_members_organisations_leadership_collectives_and_leading_individuals(code):
    assert get_rule_set(code).rated_subjects == {
        Subject.MEMBER,
        Subject.ORGANISATION,
        Subject.LEADERSHIP_COLLECTIVE,
        Subject.LEADING_INDIVIDUAL,
    }


@pytest.mark.parametrize(
    "year, code",
    [
        (2019, "hd21-2019"),
        (2021, "hd21-2019"),
        (2022, "hd21-2019"),
        (2023, "hd25-2023"),
        (2024, "hd25-2023"),
        (2025, "hd43-2025"),
        (2031, "hd43-2025"),
    ],
)
def test_the_rule_set_in_force_for_a_year(year, code):
    assert rule_set_code_for_year(year) == code


def test_no_rule_set_covers_years_before_2019():
    with pytest.raises(UnknownRuleSet, match="năm 2018"):
        rule_set_code_for_year(2018)


def test_an_unknown_code_raises_a_value_error_in_vietnamese_that_lists_the_valid_codes():
    with pytest.raises(UnknownRuleSet) as raised:
        get_rule_set("hd99-2030")
    assert isinstance(raised.value, ValueError)
    assert "Không có bộ quy tắc mã «hd99-2030»" in str(raised.value)
    assert "hd21-2019, hd25-2023, hd43-2025" in str(raised.value)


@pytest.mark.parametrize("code", list(RULE_SETS))
def test_options_default_to_no_vote_thresholds(code):
    assert get_rule_set(code).vote_thresholds is None


@pytest.mark.parametrize("code, default", [("hd21-2019", True), ("hd25-2023", True), ("hd43-2025", False)])
def test_the_sick_leave_cap_is_on_in_2019_and_2023_and_off_in_2025(code, default):
    assert get_rule_set(code).sick_leave_cap is default


def test_only_2023_lets_a_cycle_turn_the_sick_leave_cap_off():
    assert get_rule_set("hd25-2023", sick_leave_cap=False).sick_leave_cap is False
    with pytest.raises(ValueError, match="không cho phép thay đổi tùy chọn «sick_leave_cap»"):
        get_rule_set("hd21-2019", sick_leave_cap=False)
    with pytest.raises(ValueError, match="không cho phép thay đổi tùy chọn «sick_leave_cap»"):
        get_rule_set("hd43-2025", sick_leave_cap=True)


def test_constructing_a_version_directly_cannot_bypass_its_fixed_rules():
    with pytest.raises(ValueError, match="hd21-2019"):
        Hd21RuleSet(sick_leave_cap=False)


def test_an_unknown_option_is_refused_in_vietnamese():
    with pytest.raises(ValueError, match="không có tùy chọn: quota"):
        get_rule_set("hd43-2025", quota=Decimal("0.3"))


def test_with_options_returns_a_changed_copy_and_leaves_the_original_alone():
    rules = get_rule_set("hd25-2023")
    changed = rules.with_options(sick_leave_cap=False, vote_thresholds=VoteThresholds())
    assert (changed.sick_leave_cap, changed.vote_thresholds) == (False, VoteThresholds())
    assert (rules.sick_leave_cap, rules.vote_thresholds) == (True, None)
    assert type(changed) is Hd25RuleSet


def test_vote_thresholds_may_come_from_a_cycles_json_settings():
    rules = get_rule_set("hd21-2019", vote_thresholds={"excellent": "3/4", "good": 0.5})
    assert rules.vote_thresholds == VoteThresholds(excellent=Fraction(3, 4), good=Fraction(1, 2))


def test_vote_thresholds_settings_with_an_unknown_key_are_refused():
    with pytest.raises(ValueError, match="Ngưỡng biểu quyết không hợp lệ: completed"):
        get_rule_set("hd21-2019", vote_thresholds={"completed": "1/2"})


@pytest.mark.parametrize("code", ["hd21-2019", "hd25-2023", "hd43-2025"])
def test_every_version_requires_the_old_cells_comment_after_six_months(code):
    assert get_rule_set(code).old_cell_comment_months == 6
