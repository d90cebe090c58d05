"""Flags from a rating history: two years not completed, five years excellent (pure rules)."""

from __future__ import annotations

import pytest

from appraisal.rules import Level
from appraisal.rules.history import HistoryFlag, history_flags, years_running

E, G, N = Level.EXCELLENT, Level.GOOD, Level.NOT_COMPLETED


@pytest.mark.parametrize(
    "levels, year, expected",
    [
        ({2024: N, 2025: N}, 2025, [HistoryFlag.NOT_COMPLETED_TWO_YEARS]),
        ({2023: N, 2025: N}, 2025, []),  # a missing year breaks the run
        ({2024: N, 2025: G}, 2025, []),
        ({2024: N, 2025: N}, 2024, []),  # read at 2024 there is only one year
        (dict.fromkeys(range(2021, 2026), E), 2025, [HistoryFlag.EXCELLENT_FIVE_YEARS]),
        (dict.fromkeys(range(2022, 2026), E), 2025, []),  # four years only
        ({**dict.fromkeys(range(2020, 2026), E), 2023: G}, 2025, []),
        ({}, 2025, []),
    ],
)
def test_flags_from_history(levels, year, expected):
    assert history_flags(levels, year) == expected


def test_years_running_counts_back_from_the_year():
    assert years_running({2019: E, 2020: E, 2021: G, 2022: E}, E, 2022) == 1
    assert years_running({2019: E, 2020: E}, E, 2020) == 2
