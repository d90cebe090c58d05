"""Rating methods: criteria grades (2019, 2023); the 100-point score and its hard conditions (2025)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal.rules import (
    Grade,
    Level,
    MemberFacts,
    Period,
    ScoreAssessment,
    ScoreConditions,
    WrongMethod,
    get_rule_set,
)

XS, TOT, TB, KEM = Grade.EXCELLENT, Grade.GOOD, Grade.AVERAGE, Grade.POOR
CRITERIA_CODES = ["hd21-2019", "hd25-2023"]

# Every task done on time, half of them beyond target, no shortcoming left: nothing holds a score back.
ALL_MET = ScoreConditions(tasks_total=10, tasks_done=10, tasks_on_time=10, tasks_exceeding=5)


def conditions(**overrides) -> ScoreConditions:
    values = {"tasks_total": 10, "tasks_done": 10, "tasks_on_time": 10, "tasks_exceeding": 5}
    return ScoreConditions(**(values | overrides))


def score_level(general, tasks, conds: ScoreConditions = ALL_MET) -> Level:
    return get_rule_set("hd43-2025").level_from_score(general, tasks, conds)


# -- criteria ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CRITERIA_CODES)
@pytest.mark.parametrize(
    "task_result, others, expected",
    [
        (XS, (XS, TOT, TOT), Level.EXCELLENT),
        (XS, (), Level.EXCELLENT),
        (TOT, (XS, XS), Level.GOOD),
        (XS, (TOT, TB), Level.COMPLETED),
        (TOT, (TOT, TOT), Level.GOOD),
        (TB, (XS, XS), Level.COMPLETED),
        (TB, (TB,), Level.COMPLETED),
        (XS, (XS, KEM), Level.NOT_COMPLETED),
        (KEM, (XS, XS), Level.NOT_COMPLETED),
    ],
)
def test_level_from_grades(code, task_result, others, expected):
    assert get_rule_set(code).level_from_grades(task_result, others) is expected


@pytest.mark.parametrize("code", CRITERIA_CODES)
def test_excellent_needs_the_task_result_criterion_itself_to_be_xuat_sac(code):
    assert get_rule_set(code).level_from_grades(TOT, [XS] * 5) is Level.GOOD


def test_the_2025_rule_set_has_no_criteria_grades():
    with pytest.raises(WrongMethod, match="thang 100 điểm"):
        get_rule_set("hd43-2025").level_from_grades(XS, [XS])


@pytest.mark.parametrize("code", CRITERIA_CODES)
def test_the_criteria_rule_sets_have_no_score(code):
    with pytest.raises(WrongMethod, match="từng tiêu chí"):
        get_rule_set(code).level_from_score(Decimal(30), Decimal(70), ALL_MET)


# -- score: bands -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "general, tasks, expected",
    [
        ("30", "70", Level.EXCELLENT),
        ("30", "60", Level.EXCELLENT),
        ("30", "59.9", Level.GOOD),
        ("20", "70", Level.EXCELLENT),
        ("19.9", "70", Level.GOOD),
        ("30", "40", Level.GOOD),
        ("30", "39.9", Level.COMPLETED),
        ("20", "30", Level.COMPLETED),
        ("20", "29.9", Level.NOT_COMPLETED),
        ("0", "0", Level.NOT_COMPLETED),
    ],
)
def test_score_bands_90_70_50_with_their_boundaries(general, tasks, expected):
    assert score_level(Decimal(general), Decimal(tasks)) is expected


def test_scores_may_be_given_as_int_str_or_float_and_are_read_as_decimals():
    assert score_level(30, 60) is Level.EXCELLENT
    assert score_level("29.9", "60") is Level.GOOD
    assert score_level(29.9, 60) is Level.GOOD


@pytest.mark.parametrize(
    "general, tasks, message",
    [
        ("-0.1", "50", "Điểm nhóm tiêu chí chung phải từ 0 đến 30, nhận được -0.1."),
        ("30.1", "50", "Điểm nhóm tiêu chí chung phải từ 0 đến 30, nhận được 30.1."),
        ("20", "-1", "Điểm nhóm tiêu chí kết quả thực hiện nhiệm vụ phải từ 0 đến 70, nhận được -1."),
        ("20", "70.01", "Điểm nhóm tiêu chí kết quả thực hiện nhiệm vụ phải từ 0 đến 70, nhận được 70.01."),
        ("abc", "50", "Điểm nhóm tiêu chí chung không phải là một số: 'abc'."),
        ("NaN", "50", "Điểm nhóm tiêu chí chung không phải là một số hữu hạn: 'NaN'."),
    ],
)
def test_scores_outside_their_range_are_refused_in_vietnamese(general, tasks, message):
    with pytest.raises(ValueError) as raised:
        score_level(general, tasks)
    assert str(raised.value) == message


# -- score: hard conditions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "exceeding, expected",
    [(3, Level.EXCELLENT), (2, Level.GOOD)],
)
def test_excellent_needs_at_least_30_percent_of_tasks_beyond_target(exceeding, expected):
    assert score_level(30, 65, conditions(tasks_exceeding=exceeding)) is expected


@pytest.mark.parametrize(
    "total, fixed, expected",
    [(3, 3, Level.EXCELLENT), (0, 0, Level.EXCELLENT), (3, 2, Level.GOOD)],
)
def test_excellent_needs_every_earlier_shortcoming_fixed(total, fixed, expected):
    conds = conditions(shortcomings_total=total, shortcomings_fixed=fixed)
    assert score_level(30, 65, conds) is expected


def test_excellent_and_good_need_every_task_on_time_so_95_points_with_one_late_task_is_completed():
    assert score_level(30, 65, conditions(tasks_on_time=9)) is Level.COMPLETED


def test_good_needs_every_task_on_time():
    assert score_level(30, 45, conditions(tasks_on_time=10)) is Level.GOOD
    assert score_level(30, 45, conditions(tasks_on_time=9)) is Level.COMPLETED


def stepping_down_level(general, tasks, conds: ScoreConditions) -> Level:
    """The level under the per-cycle option that steps a missed condition of "completed" down."""
    return get_rule_set("hd43-2025", missed_condition_steps_down=True).level_from_score(general, tasks, conds)


@pytest.mark.parametrize(
    "on_time, stepping_down",
    [(8, Level.COMPLETED), (7, Level.NOT_COMPLETED)],
)
def test_completed_allows_at_most_20_percent_of_tasks_behind_schedule(on_time, stepping_down):
    # By default 50 points or more stay "completed" (docs/rules.md); the option steps a miss down.
    assert score_level(30, 30, conditions(tasks_on_time=on_time)) is Level.COMPLETED
    assert stepping_down_level(30, 30, conditions(tasks_on_time=on_time)) is stepping_down


def test_completed_needs_every_task_done_when_the_cycle_steps_a_missed_condition_down():
    assert stepping_down_level(30, 30, conditions(tasks_done=9, tasks_on_time=9)) is Level.NOT_COMPLETED
    assert score_level(30, 30, conditions(tasks_done=9, tasks_on_time=9)) is Level.COMPLETED


def test_a_high_score_with_a_task_left_undone_is_completed_by_default_and_not_completed_under_the_option():
    assert score_level(30, 70, conditions(tasks_done=9, tasks_on_time=9)) is Level.COMPLETED
    assert stepping_down_level(30, 70, conditions(tasks_done=9, tasks_on_time=9)) is Level.NOT_COMPLETED


def test_with_no_tasks_assigned_every_share_counts_as_met():
    assert score_level(30, 70, ScoreConditions(tasks_total=0, tasks_done=0, tasks_on_time=0)) is Level.EXCELLENT


def test_rate_explains_each_level_the_hard_conditions_refused():
    outcome = get_rule_set("hd43-2025").rate(
        MemberFacts(), Period.year(2025), ScoreAssessment(30, 65, conditions(tasks_exceeding=1))
    )
    assert outcome.level is Level.GOOD
    assert outcome.reasons == (
        "Chưa đủ điều kiện hoàn thành xuất sắc nhiệm vụ: chưa có từ 30% nhiệm vụ trở lên hoàn thành vượt mức",
    )


@pytest.mark.parametrize(
    "counts",
    [
        {"tasks_total": 5, "tasks_done": 6, "tasks_on_time": 0},
        {"tasks_total": 5, "tasks_done": 4, "tasks_on_time": 5},
        {"tasks_total": 5, "tasks_done": 4, "tasks_on_time": -1},
        {"tasks_total": 5, "tasks_done": 4, "tasks_on_time": 4, "tasks_exceeding": 5},
        {
            "tasks_total": 5,
            "tasks_done": 5,
            "tasks_on_time": 5,
            "shortcomings_total": 1,
            "shortcomings_fixed": 2,
        },
    ],
)
def test_inconsistent_task_counts_are_refused(counts):
    with pytest.raises(ValueError):
        ScoreConditions(**counts)
