"""Caps on the level: the "not completed" triggers, sick and maternity leave, collectives, and ``rate``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from appraisal.rules import (
    Cap,
    CollectiveFacts,
    CriteriaAssessment,
    Discipline,
    DisciplineLevel,
    Grade,
    Level,
    MemberFacts,
    NotRated,
    Period,
    ScoreAssessment,
    ScoreConditions,
    WrongMethod,
    get_rule_set,
)

YEAR = Period.year(2024)
ALL_CODES = ["hd21-2019", "hd25-2023", "hd43-2025"]
IN_YEAR = date(2024, 6, 12)
BEST_GRADES = CriteriaAssessment(Grade.EXCELLENT, (Grade.EXCELLENT, Grade.GOOD))
BEST_SCORE = ScoreAssessment(
    30, 70, ScoreConditions(tasks_total=10, tasks_done=10, tasks_on_time=10, tasks_exceeding=5)
)


def best_assessment(code: str) -> CriteriaAssessment | ScoreAssessment:
    return BEST_SCORE if code == "hd43-2025" else BEST_GRADES


def caps(code: str, period: Period = YEAR, rules_options: dict | None = None, **facts) -> list[Cap]:
    return get_rule_set(code, **(rules_options or {})).caps(MemberFacts(**facts), period)


def not_completed(code: str, **facts) -> bool:
    return any(c.max_level is Level.NOT_COMPLETED for c in caps(code, **facts))


def discipline(**overrides) -> Discipline:
    values = {"decided_on": IN_YEAR, "level": DisciplineLevel.REPRIMAND, "duty_related": True}
    return Discipline(**(values | overrides))


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_member_with_nothing_against_them_has_no_cap(code):
    assert caps(code) == []


# -- the triggers of "not completed", version by version ---------------------------------------------------


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_conclusion_of_degeneration_means_not_completed_in_every_version(code):
    assert caps(code, degeneration_concluded=True) == [
        Cap(
            Level.NOT_COMPLETED,
            "Bị cấp có thẩm quyền kết luận có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, "
            "“tự diễn biến”, “tự chuyển hóa”",
        )
    ]


@pytest.mark.parametrize(
    "code, ratio, expected",
    [
        ("hd21-2019", 0.49, True),
        ("hd21-2019", 0.5, False),
        ("hd25-2023", 0.49, False),
        ("hd43-2025", 0.49, False),
    ],
)
def test_only_2019_makes_less_than_half_of_the_targets_a_trigger(code, ratio, expected):
    assert not_completed(code, targets_done_ratio=ratio) is expected


@pytest.mark.parametrize("code, expected", [("hd21-2019", True), ("hd25-2023", False), ("hd43-2025", False)])
def test_only_2019_makes_a_not_completed_civil_servant_rating_a_trigger(code, expected):
    assert not_completed(code, civil_servant_not_completed=True) is expected


@pytest.mark.parametrize("code, expected", [("hd21-2019", False), ("hd25-2023", False), ("hd43-2025", True)])
def test_only_2025_makes_breaking_the_member_prohibitions_or_example_rules_a_trigger(code, expected):
    assert not_completed(code, breaks_member_prohibitions=True) is expected


@pytest.mark.parametrize(
    "code, ratio, expected",
    [
        ("hd43-2025", 0.51, True),
        ("hd43-2025", 0.5, False),
        ("hd21-2019", 0.9, False),
        ("hd25-2023", 0.9, False),
    ],
)
def test_only_2025_makes_more_than_half_of_the_tasks_not_completed_a_trigger(code, ratio, expected):
    assert not_completed(code, tasks_not_completed_ratio=ratio) is expected


@pytest.mark.parametrize(
    "code, leader, ratio, expected",
    [
        ("hd43-2025", True, 0.69, True),
        ("hd43-2025", True, 0.7, False),
        ("hd43-2025", False, 0.5, False),
        ("hd21-2019", True, 0.5, False),
        ("hd25-2023", True, 0.5, False),
    ],
)
def test_2025_leaders_whose_unit_completes_under_70_percent_are_not_completed(code, leader, ratio, expected):
    assert not_completed(code, holds_leadership_post=leader, leader_unit_tasks_done_ratio=ratio) is expected


@pytest.mark.parametrize(
    "code, leader, ratio, expected",
    [
        ("hd43-2025", True, 0.51, True),
        ("hd43-2025", True, 0.5, False),
        ("hd43-2025", False, 0.9, False),
        ("hd21-2019", True, 0.9, False),
        ("hd25-2023", True, 0.9, False),
    ],
)
def test_2025_leaders_with_over_half_low_confidence_votes_are_not_completed(code, leader, ratio, expected):
    assert not_completed(code, holds_leadership_post=leader, leader_low_confidence_ratio=ratio) is expected


@pytest.mark.parametrize("field", ["targets_done_ratio", "tasks_not_completed_ratio"])
@pytest.mark.parametrize("ratio", [-0.1, 1.01])
def test_ratios_outside_0_to_1_are_refused(field, ratio):
    with pytest.raises(ValueError, match="phải nằm trong khoảng từ 0 đến 1"):
        MemberFacts(**{field: ratio})


# -- discipline -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_duty_related_discipline_in_the_year_means_not_completed_in_every_version(code):
    assert not_completed(code, disciplines=(discipline(),))


@pytest.mark.parametrize("code, expected", [("hd21-2019", True), ("hd25-2023", False), ("hd43-2025", False)])
def test_a_self_detected_and_remedied_violation_is_forgiven_from_2023_but_not_in_2019(code, expected):
    assert not_completed(code, disciplines=(discipline(self_detected=True),)) is expected


@pytest.mark.parametrize("code, expected", [("hd21-2019", True), ("hd25-2023", True), ("hd43-2025", False)])
def test_2025_counts_only_disciplines_for_violations_tied_to_the_members_duties(code, expected):
    assert not_completed(code, disciplines=(discipline(duty_related=False),)) is expected


@pytest.mark.parametrize("level", list(DisciplineLevel))
def test_2025_a_reprimand_or_anything_above_it_is_enough(level):
    assert not_completed("hd43-2025", disciplines=(discipline(level=level),))


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize(
    "decided_on, counts",
    [
        (YEAR.start, True),
        (YEAR.end, True),
        (YEAR.start - timedelta(days=1), False),
        (YEAR.end + timedelta(days=1), False),
    ],
)
def test_only_a_discipline_decided_inside_the_period_counts(code, decided_on, counts):
    assert not_completed(code, disciplines=(discipline(decided_on=decided_on),)) is counts


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_violation_already_counted_in_an_earlier_rating_is_not_counted_again(code):
    assert not not_completed(code, disciplines=(discipline(already_counted=True),))


@pytest.mark.parametrize("code", ALL_CODES)
def test_several_disciplines_in_the_year_give_one_cap_naming_the_most_severe(code):
    result = caps(
        code,
        disciplines=(
            discipline(level=DisciplineLevel.REPRIMAND),
            discipline(level=DisciplineLevel.WARNING, decided_on=date(2024, 9, 1)),
        ),
    )
    assert len(result) == 1
    assert result[0].max_level is Level.NOT_COMPLETED
    assert "(cảnh cáo)" in result[0].reason


def test_the_2025_discipline_reason_says_the_violation_was_tied_to_duties():
    [bound] = caps("hd43-2025", disciplines=(discipline(),))
    assert bound.reason == (
        "Bị thi hành kỷ luật (khiển trách) trong năm đánh giá do vi phạm liên quan đến chức trách, nhiệm vụ được giao"
    )
    [bound] = caps("hd21-2019", disciplines=(discipline(),))
    assert bound.reason == "Bị thi hành kỷ luật (khiển trách) trong năm đánh giá"


# -- sick and maternity leave -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, months, capped",
    [
        ("hd21-2019", 2.9, False),
        ("hd21-2019", 3, True),
        ("hd25-2023", 2.9, False),
        ("hd25-2023", 3, True),
        ("hd43-2025", 2.9, False),
        ("hd43-2025", 3, False),
        ("hd43-2025", 12, False),
    ],
)
def test_sick_leave_of_3_months_or_more_caps_at_completed_in_2019_and_2023_but_never_in_2025(code, months, capped):
    expected = [Level.COMPLETED] if capped else []
    assert [c.max_level for c in caps(code, sick_leave_months=months)] == expected


def test_a_2023_cycle_may_turn_the_sick_leave_cap_off():
    assert caps("hd25-2023", rules_options={"sick_leave_cap": False}, sick_leave_months=6) == []


def test_the_sick_leave_reason_is_in_vietnamese():
    [bound] = caps("hd21-2019", sick_leave_months=4)
    assert bound.reason == ("Nghỉ ốm từ 3 tháng trở lên trong năm: không xếp loại cao hơn mức hoàn thành nhiệm vụ")


@pytest.mark.parametrize("code", ALL_CODES)
def test_maternity_leave_never_caps_the_level(code):
    rules = get_rule_set(code)
    facts = MemberFacts(maternity_leave=True)
    assert rules.caps(facts, YEAR) == []
    assert rules.rate(facts, YEAR, best_assessment(code)).level is Level.EXCELLENT


def test_negative_sick_leave_is_refused():
    with pytest.raises(ValueError, match="nghỉ ốm"):
        MemberFacts(sick_leave_months=-1)


# -- collectives ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_collective_with_a_unit_or_leader_disciplined_in_the_year_cannot_be_excellent(code):
    rules = get_rule_set(code)
    facts = CollectiveFacts(subordinate_disciplined_on=(date(2024, 3, 1),))
    assert [c.max_level for c in rules.caps(facts, YEAR)] == [Level.GOOD]
    assert rules.rate(facts, YEAR, best_assessment(code)).level is Level.GOOD


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_collective_is_not_capped_by_a_discipline_outside_the_period(code):
    facts = CollectiveFacts(subordinate_disciplined_on=(date(2023, 12, 31), date(2025, 1, 1)))
    assert get_rule_set(code).caps(facts, YEAR) == []


# -- rate: the method's level with every cap --------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_CODES)
def test_rate_gives_the_methods_level_when_nothing_caps_it(code):
    outcome = get_rule_set(code).rate(MemberFacts(), YEAR, best_assessment(code))
    assert (outcome.level, outcome.reasons) == (Level.EXCELLENT, ())


@pytest.mark.parametrize("code", ALL_CODES)
def test_rate_lets_the_worst_cap_win_and_reports_every_reason(code):
    facts = MemberFacts(sick_leave_months=3, degeneration_concluded=True)
    outcome = get_rule_set(code).rate(facts, YEAR, best_assessment(code))
    assert outcome.level is Level.NOT_COMPLETED
    assert any("suy thoái" in reason for reason in outcome.reasons)


def test_rate_caps_excellent_grades_at_completed_for_long_sick_leave_in_2019():
    outcome = get_rule_set("hd21-2019").rate(MemberFacts(sick_leave_months=3), YEAR, BEST_GRADES)
    assert outcome.level is Level.COMPLETED


def test_rate_refuses_a_member_who_is_not_rated():
    with pytest.raises(NotRated, match="chưa đủ 6 tháng"):
        get_rule_set("hd21-2019").rate(MemberFacts(admitted_on=date(2024, 10, 1)), YEAR, BEST_GRADES)


@pytest.mark.parametrize(
    "code, assessment",
    [("hd21-2019", BEST_SCORE), ("hd25-2023", BEST_SCORE), ("hd43-2025", BEST_GRADES)],
)
def test_rate_refuses_an_assessment_made_by_the_other_method(code, assessment):
    with pytest.raises(WrongMethod):
        get_rule_set(code).rate(MemberFacts(), YEAR, assessment)
