"""The four rating levels, the four criterion grades and the discipline forms."""

from __future__ import annotations

import pytest

from appraisal.rules import DisciplineLevel, Grade, Level, cap, worst
from appraisal.rules.levels import level_below


@pytest.mark.parametrize(
    "level, value, short, rank, label",
    [
        (Level.EXCELLENT, "htxsnv", "HTXSNV", 1, "Hoàn thành xuất sắc nhiệm vụ"),
        (Level.GOOD, "httnv", "HTTNV", 2, "Hoàn thành tốt nhiệm vụ"),
        (Level.COMPLETED, "htnv", "HTNV", 3, "Hoàn thành nhiệm vụ"),
        (Level.NOT_COMPLETED, "khtnv", "KHTNV", 4, "Không hoàn thành nhiệm vụ"),
    ],
)
def test_each_level_has_its_stored_value_abbreviation_rank_and_vietnamese_label(level, value, short, rank, label):
    assert (level.value, level.short, level.rank, level.label) == (value, short, rank, label)
    assert Level(value) is level


def test_level_choices_list_the_levels_best_first_for_a_django_field():
    assert Level.choices() == [
        ("htxsnv", "Hoàn thành xuất sắc nhiệm vụ"),
        ("httnv", "Hoàn thành tốt nhiệm vụ"),
        ("htnv", "Hoàn thành nhiệm vụ"),
        ("khtnv", "Không hoàn thành nhiệm vụ"),
    ]


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (Level.EXCELLENT, Level.GOOD, Level.GOOD),
        (Level.GOOD, Level.EXCELLENT, Level.GOOD),
        (Level.COMPLETED, Level.NOT_COMPLETED, Level.NOT_COMPLETED),
        (Level.GOOD, Level.GOOD, Level.GOOD),
    ],
)
def test_worst_picks_the_lower_level(a, b, expected):
    assert worst(a, b) is expected


def test_cap_lowers_a_better_level_and_keeps_a_worse_one():
    assert cap(Level.EXCELLENT, Level.COMPLETED) is Level.COMPLETED
    assert cap(Level.NOT_COMPLETED, Level.COMPLETED) is Level.NOT_COMPLETED


@pytest.mark.parametrize(
    "level, below",
    [
        (Level.EXCELLENT, Level.GOOD),
        (Level.GOOD, Level.COMPLETED),
        (Level.COMPLETED, Level.NOT_COMPLETED),
        (Level.NOT_COMPLETED, Level.NOT_COMPLETED),
    ],
)
def test_level_below_steps_down_one_level_and_stops_at_not_completed(level, below):
    assert level_below(level) is below


def test_grades_are_xuat_sac_tot_trung_binh_kem_best_first():
    assert Grade.choices() == [
        ("xuat_sac", "Xuất sắc"),
        ("tot", "Tốt"),
        ("trung_binh", "Trung bình"),
        ("kem", "Kém"),
    ]
    assert Grade.GOOD.at_least(Grade.AVERAGE)
    assert Grade.GOOD.at_least(Grade.GOOD)
    assert not Grade.AVERAGE.at_least(Grade.GOOD)


def test_discipline_forms_are_ordered_from_reprimand_to_expulsion():
    assert [d.severity for d in DisciplineLevel] == [1, 2, 3, 4]
    assert [d.label for d in DisciplineLevel] == ["khiển trách", "cảnh cáo", "cách chức", "khai trừ"]
    assert DisciplineLevel.WARNING.at_least(DisciplineLevel.REPRIMAND)
    assert not DisciplineLevel.REPRIMAND.at_least(DisciplineLevel.WARNING)
