"""The excellent quota: at most 20% (2025: 25% when raised) of the number rated good, checked per group."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal.rules import QuotaBase, QuotaResult, get_rule_set

ALL_CODES = ["hd21-2019", "hd25-2023", "hd43-2025"]


@pytest.mark.parametrize("code", ALL_CODES)
def test_the_quota_is_20_percent_in_every_version(code):
    assert get_rule_set(code).quota_ratio == Decimal("0.20")


@pytest.mark.parametrize(
    "code, raised_ratio",
    [("hd21-2019", None), ("hd25-2023", None), ("hd43-2025", Decimal("0.25"))],
)
def test_only_2025_lets_the_competent_committee_raise_the_quota_to_25_percent(code, raised_ratio):
    assert get_rule_set(code).raised_quota_ratio == raised_ratio


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize(
    "good, limit",
    [(0, 0), (4, 0), (5, 1), (9, 1), (10, 2), (15, 3), (19, 3), (20, 4), (21, 4)],
)
def test_max_excellent_is_20_percent_of_those_rated_good_rounded_down(code, good, limit):
    assert get_rule_set(code).max_excellent(good) == limit


@pytest.mark.parametrize(
    "good, limit",
    [(0, 0), (3, 0), (4, 1), (7, 1), (8, 2), (15, 3), (19, 4), (20, 5), (21, 5)],
)
def test_2025_raised_quota_is_25_percent_of_those_rated_good_rounded_down(good, limit):
    assert get_rule_set("hd43-2025").max_excellent(good, raised=True) == limit


@pytest.mark.parametrize("code", ["hd21-2019", "hd25-2023"])
def test_asking_for_the_raised_quota_before_2025_is_an_error(code):
    rules = get_rule_set(code)
    with pytest.raises(ValueError, match="không cho phép nâng tỷ lệ"):
        rules.max_excellent(20, raised=True)
    with pytest.raises(ValueError, match="không cho phép nâng tỷ lệ"):
        rules.quota_check(4, 20, raised=True)


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_negative_count_is_refused(code):
    with pytest.raises(ValueError):
        get_rule_set(code).max_excellent(-1)
    with pytest.raises(ValueError):
        get_rule_set(code).quota_check(-1, 10)


def test_the_2021_cell_proposing_4_excellent_with_15_good_exceeds_20_percent_on_its_own():
    result = get_rule_set("hd21-2019").quota_check(excellent=4, good=15)
    assert result == QuotaResult(
        ok=False,
        limit=3,
        ratio=Decimal(4) / Decimal(15),
        message=(
            "Vượt tỷ lệ 20%: 4/15 hoàn thành xuất sắc nhiệm vụ so với hoàn thành tốt nhiệm vụ (26,67%); "
            "tối đa 3 hoàn thành xuất sắc nhiệm vụ."
        ),
    )


def test_the_2021_cell_is_legitimate_because_2019_counts_the_quota_over_the_whole_ward_committee():
    rules = get_rule_set("hd21-2019")
    assert rules.quota_base is QuotaBase.GRASSROOTS_ORGANISATION
    # The Mạc Đĩnh Chi cell (4 excellent, 15 good) and the ward's other cells (2 excellent, 30 good).
    result = rules.quota_check(excellent=4 + 2, good=15 + 30)
    assert (result.ok, result.limit) == (True, 9)


@pytest.mark.parametrize("code", ALL_CODES)
def test_exactly_20_percent_is_within_the_quota(code):
    result = get_rule_set(code).quota_check(excellent=3, good=15)
    assert (result.ok, result.limit, result.ratio) == (True, 3, Decimal("0.2"))
    assert result.message == (
        "Đạt tỷ lệ: 3/15 hoàn thành xuất sắc nhiệm vụ so với hoàn thành tốt nhiệm vụ (20,00%), không vượt quá 20%."
    )


def test_2025_five_excellent_of_twenty_good_needs_the_raised_quota():
    rules = get_rule_set("hd43-2025")
    assert not rules.quota_check(5, 20).ok
    raised = rules.quota_check(5, 20, raised=True)
    assert (raised.ok, raised.limit) == (True, 5)
    assert raised.message.endswith("không vượt quá 25%.")


@pytest.mark.parametrize("code", ALL_CODES)
def test_with_nobody_rated_good_nobody_may_be_excellent(code):
    rules = get_rule_set(code)
    assert rules.quota_check(0, 0) == QuotaResult(
        True,
        0,
        None,
        "Đạt tỷ lệ: 0 hoàn thành xuất sắc nhiệm vụ, không có hoàn thành tốt nhiệm vụ, không vượt quá 20%.",
    )
    result = rules.quota_check(1, 0)
    assert (result.ok, result.limit, result.ratio) == (False, 0, None)
    assert result.message.startswith("Vượt tỷ lệ 20%")
