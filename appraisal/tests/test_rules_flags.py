"""Flags on a rating (two years not completed, rewards) and the 2025 timeline."""

from __future__ import annotations

from datetime import date

import pytest

from appraisal.rules import Level, get_rule_set

ALL_CODES = ["hd21-2019", "hd25-2023", "hd43-2025"]


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize(
    "previous, current, flagged",
    [
        (Level.NOT_COMPLETED, Level.NOT_COMPLETED, True),
        (Level.NOT_COMPLETED, Level.COMPLETED, False),
        (Level.COMPLETED, Level.NOT_COMPLETED, False),
        (None, Level.NOT_COMPLETED, False),
    ],
)
def test_a_member_not_completed_two_years_running_is_flagged(code, previous, current, flagged):
    assert get_rule_set(code).not_completed_two_years_running(previous, current) is flagged


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize(
    "level, may",
    [(Level.EXCELLENT, True), (Level.GOOD, False), (Level.COMPLETED, False), (Level.NOT_COMPLETED, False)],
)
def test_only_excellent_may_be_proposed_for_a_reward(code, level, may):
    assert get_rule_set(code).may_propose_reward(level) is may


@pytest.mark.parametrize("code", ["hd21-2019", "hd25-2023"])
def test_before_2025_no_timeline_is_fixed_by_the_rule_set(code):
    assert get_rule_set(code).timeline is None


def test_2025_every_level_finishes_by_31_december_or_15_january_on_a_special_annual_cycle():
    timeline = get_rule_set("hd43-2025").timeline
    assert timeline.finish_by(2025) == date(2025, 12, 31)
    assert timeline.finish_by(2025, special_cycle=True) == date(2026, 1, 15)


def test_2025_review_files_reach_the_central_organisation_commission_by_1_february():
    assert get_rule_set("hd43-2025").timeline.files_due(2025) == date(2026, 2, 1)


@pytest.mark.parametrize(
    "meeting_on, due",
    [
        (date(2025, 12, 18), date(2025, 12, 15)),  # Thursday → Monday
        (date(2025, 12, 15), date(2025, 12, 10)),  # Monday → the Wednesday before
        (date(2025, 12, 20), date(2025, 12, 17)),  # Saturday → Wednesday
    ],
)
def test_2025_the_draft_collective_report_goes_out_3_working_days_before_the_meeting(meeting_on, due):
    assert get_rule_set("hd43-2025").timeline.draft_report_due(meeting_on) == due


def test_2025_a_review_meeting_lasts_at_least_one_day():
    assert get_rule_set("hd43-2025").timeline.meeting_min_days == 1
