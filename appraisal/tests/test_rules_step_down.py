"""Issue 10, item 8: a 2025 member with 50 points or more who misses a condition of "completed" (one task of
twenty unfinished) stays "completed" by default; a per-cycle option steps them down; a trigger always wins."""

from __future__ import annotations

import pytest

from appraisal.rules import Level, MemberFacts, Period, ScoreAssessment, ScoreConditions, get_rule_set
from appraisal.rules.terms import STAYS_COMPLETED_REASON

ONE_OF_TWENTY_UNFINISHED = ScoreConditions(tasks_total=20, tasks_done=19, tasks_on_time=19, tasks_exceeding=10)


def rate(facts=None, *, general=30, tasks=65, conditions=ONE_OF_TWENTY_UNFINISHED, **options):
    rules = get_rule_set("hd43-2025", **options)
    return rules.rate(facts or MemberFacts(), Period.year(2025), ScoreAssessment(general, tasks, conditions))


def test_the_option_is_off_by_default():
    assert get_rule_set("hd43-2025").missed_condition_steps_down is False


def test_95_points_with_one_task_of_twenty_unfinished_is_completed_by_default():
    outcome = rate()
    assert outcome.level is Level.COMPLETED
    assert outcome.reasons[-1] == STAYS_COMPLETED_REASON
    assert "chưa hoàn thành 100% nhiệm vụ" in outcome.reasons[-2]


def test_the_option_steps_the_same_member_down_to_not_completed():
    assert rate(missed_condition_steps_down=True).level is Level.NOT_COMPLETED


def test_a_not_completed_trigger_applies_whatever_the_option():
    # More than half of the year's tasks unfinished is the guidance's trigger for "not completed".
    facts = MemberFacts(tasks_not_completed_ratio=0.55)
    assert rate(facts).level is Level.NOT_COMPLETED


def test_below_50_points_is_not_completed_whatever_the_option():
    assert rate(general=20, tasks=29).level is Level.NOT_COMPLETED


def test_a_member_meeting_every_condition_is_not_affected_by_the_option():
    conditions = ScoreConditions(tasks_total=20, tasks_done=20, tasks_on_time=20, tasks_exceeding=10)
    assert rate(conditions=conditions).level is rate(conditions=conditions, missed_condition_steps_down=True).level
    assert rate(conditions=conditions).level is Level.EXCELLENT


@pytest.mark.parametrize("code", ["hd21-2019", "hd25-2023"])
def test_the_criteria_versions_have_no_such_option(code):
    with pytest.raises(ValueError, match="missed_condition_steps_down"):
        get_rule_set(code, missed_condition_steps_down=True)
