"""The four rating levels (mức xếp loại) and the four criterion grades (mức đánh giá tiêu chí).

Both are the same in every regulation version; what changes between versions is how a level is reached,
which lives in the rule sets.
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """A rating level. Stored by its value; ``rank`` 1 is the best, 4 the worst."""

    EXCELLENT = "htxsnv"
    GOOD = "httnv"
    COMPLETED = "htnv"
    NOT_COMPLETED = "khtnv"

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def short(self) -> str:
        return self.value.upper()

    @property
    def rank(self) -> int:
        return _LEVEL_ORDER.index(self) + 1

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, Vietnamese label) pairs, best first, for a Django field's ``choices``."""
        return [(level.value, level.label) for level in _LEVEL_ORDER]


_LEVEL_ORDER = (Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED)

_LEVEL_LABELS = {
    Level.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Level.GOOD: "Hoàn thành tốt nhiệm vụ",
    Level.COMPLETED: "Hoàn thành nhiệm vụ",
    Level.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
}


def worst(a: Level, b: Level) -> Level:
    """The lower of two levels."""
    return a if a.rank >= b.rank else b


def cap(level: Level, max_level: Level) -> Level:
    """``level``, lowered to ``max_level`` if it is better than that."""
    return worst(level, max_level)


def level_below(level: Level) -> Level:
    """The next level down; ``NOT_COMPLETED`` stays where it is."""
    return _LEVEL_ORDER[min(level.rank, len(_LEVEL_ORDER) - 1)]


class Grade(StrEnum):
    """The grade of one criterion in the criteria method (2019, 2023): Xuất sắc / Tốt / Trung bình / Kém."""

    EXCELLENT = "xuat_sac"
    GOOD = "tot"
    AVERAGE = "trung_binh"
    POOR = "kem"

    @property
    def label(self) -> str:
        return _GRADE_LABELS[self]

    @property
    def rank(self) -> int:
        return _GRADE_ORDER.index(self) + 1

    def at_least(self, other: Grade) -> bool:
        return self.rank <= other.rank

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(grade.value, grade.label) for grade in _GRADE_ORDER]


_GRADE_ORDER = (Grade.EXCELLENT, Grade.GOOD, Grade.AVERAGE, Grade.POOR)

_GRADE_LABELS = {
    Grade.EXCELLENT: "Xuất sắc",
    Grade.GOOD: "Tốt",
    Grade.AVERAGE: "Trung bình",
    Grade.POOR: "Kém",
}
