"""Who is reviewed (kiểm điểm) and who is rated (xếp loại), per version."""

from __future__ import annotations

from datetime import date

import pytest

from appraisal.rules import Eligibility, MemberFacts, Period, get_rule_set

YEAR_2024 = Period.year(2024)
ALL_CODES = ["hd21-2019", "hd25-2023", "hd43-2025"]


def status(code: str, period: Period = YEAR_2024, **facts) -> Eligibility:
    return get_rule_set(code).review_status(MemberFacts(**facts), period)


@pytest.mark.parametrize("code", ALL_CODES)
def test_an_ordinary_member_is_reviewed_and_rated_in_every_version(code):
    assert status(code, admitted_on=date(2010, 5, 19)) == Eligibility(True, True, "")


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_member_with_no_known_admission_date_is_reviewed_and_rated(code):
    assert status(code, admitted_on=None) == Eligibility(True, True, "")


@pytest.mark.parametrize("code", ALL_CODES)
def test_exempted_members_are_not_reviewed_in_any_version(code):
    result = status(code, exempted=True)
    assert (result.reviews, result.rated) == (False, False)
    assert result.reason == "Đảng viên được miễn công tác và sinh hoạt đảng: không kiểm điểm, xếp loại"


def test_2019_reviews_and_rates_a_suspended_member_because_rules_md_lists_suspension_only_from_2023():
    assert status("hd21-2019", suspended=True) == Eligibility(True, True, "")


@pytest.mark.parametrize("code", ["hd25-2023", "hd43-2025"])
def test_from_2023_suspended_members_are_not_reviewed(code):
    result = status(code, suspended=True)
    assert (result.reviews, result.rated) == (False, False)
    assert result.reason.startswith("Đảng viên bị đình chỉ sinh hoạt đảng")


def test_2019_reviews_members_admitted_less_than_6_months_ago_but_does_not_rate_them():
    result = status("hd21-2019", admitted_on=date(2024, 9, 1))
    assert (result.reviews, result.rated) == (True, False)
    assert result.reason == ("Đảng viên mới được kết nạp chưa đủ 6 tháng: có kiểm điểm nhưng không xếp loại")


@pytest.mark.parametrize("code", ["hd25-2023", "hd43-2025"])
def test_from_2023_members_admitted_less_than_6_months_ago_are_not_reviewed_at_all(code):
    result = status(code, admitted_on=date(2024, 9, 1))
    assert (result.reviews, result.rated) == (False, False)
    assert result.reason == "Đảng viên mới được kết nạp chưa đủ 6 tháng: không kiểm điểm, xếp loại"


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize(
    "period_end, admitted_on, is_new",
    [
        # Six months are complete on the same day six months later (the monthly anniversary).
        (date(2024, 12, 31), date(2024, 6, 30), False),
        (date(2024, 12, 31), date(2024, 7, 1), True),
        (date(2024, 11, 15), date(2024, 5, 15), False),
        (date(2024, 11, 15), date(2024, 5, 16), True),
        # 31 August + 6 months is clamped to the last day of February.
        (date(2025, 2, 28), date(2024, 8, 31), False),
        (date(2025, 2, 28), date(2024, 9, 1), True),
        # Admitted after the period: certainly less than six months.
        (date(2024, 12, 31), date(2025, 1, 5), True),
    ],
)
def test_the_six_month_boundary_is_counted_to_the_period_end_to_the_day(code, period_end, admitted_on, is_new):
    result = status(code, Period(date(period_end.year, 1, 1), period_end), admitted_on=admitted_on)
    assert result.rated is not is_new


@pytest.mark.parametrize("code", ALL_CODES)
def test_being_exempted_outweighs_being_newly_admitted(code):
    result = status(code, exempted=True, admitted_on=date(2024, 10, 1))
    assert (result.reviews, result.rated) == (False, False)
    assert "miễn công tác" in result.reason


def test_2019_a_suspended_newly_admitted_member_is_reviewed_but_not_rated():
    result = status("hd21-2019", suspended=True, admitted_on=date(2024, 10, 1))
    assert (result.reviews, result.rated) == (True, False)


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="Kỳ đánh giá không hợp lệ"):
        Period(date(2024, 12, 31), date(2024, 1, 1))
