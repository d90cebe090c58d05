"""Flags read from a subject's rating history (pure: the history is a mapping year → level).

- a member "not completed" two years running: the cell must consider the case under the Party's rules;
- "excellent" five years running: may be proposed for commendation.
"""

from __future__ import annotations

from collections.abc import Mapping

from .levels import LabelledEnum, Level

EXCELLENT_YEARS_FOR_COMMENDATION = 5
NOT_COMPLETED_YEARS_TO_CONSIDER = 2


class HistoryFlag(LabelledEnum):
    NOT_COMPLETED_TWO_YEARS = (
        "not_completed_two_years",
        "Hai năm liền không hoàn thành nhiệm vụ: chi bộ xem xét theo Điều lệ Đảng",
    )
    EXCELLENT_FIVE_YEARS = "excellent_five_years", "Năm năm liền hoàn thành xuất sắc nhiệm vụ: đề nghị khen thưởng"


def years_running(levels: Mapping[int, Level], level: Level, up_to: int) -> int:
    """How many consecutive years, ending with ``up_to``, have ``level`` (a missing year breaks the run)."""
    count, year = 0, up_to
    while levels.get(year) is level:
        count += 1
        year -= 1
    return count


def history_flags(levels: Mapping[int, Level], year: int) -> list[HistoryFlag]:
    """The flags of a subject whose history is ``levels``, read at ``year``."""
    flags = []
    if years_running(levels, Level.NOT_COMPLETED, year) >= NOT_COMPLETED_YEARS_TO_CONSIDER:
        flags.append(HistoryFlag.NOT_COMPLETED_TWO_YEARS)
    if years_running(levels, Level.EXCELLENT, year) >= EXCELLENT_YEARS_FOR_COMMENDATION:
        flags.append(HistoryFlag.EXCELLENT_FIVE_YEARS)
    return flags
