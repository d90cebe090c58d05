"""The four rating levels (mức xếp loại) and the four criterion grades (mức đánh giá tiêu chí).

Both are the same in every regulation version; what changes between versions is how a level is reached,
which lives in the rule sets.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A string enum whose members carry their Vietnamese label: ``NAME = "value", "label"``.

    Stored and compared by the value; ``choices()`` lists (value, label) in the order of declaration.
    """

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:  # the label is given only in the declaration
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @property
    def rank(self) -> int:
        """1 for the first member declared, then 2, 3, …"""
        return type(self)._member_names_.index(self.name) + 1

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, Vietnamese label) pairs in the order of declaration, for a Django field's ``choices``."""
        return [(member.value, member.label) for member in cls]


class Level(LabelledEnum):
    """A rating level. Stored by its value; ``rank`` 1 is the best, 4 the worst."""

    EXCELLENT = "htxsnv", "Hoàn thành xuất sắc nhiệm vụ"
    GOOD = "httnv", "Hoàn thành tốt nhiệm vụ"
    COMPLETED = "htnv", "Hoàn thành nhiệm vụ"
    NOT_COMPLETED = "khtnv", "Không hoàn thành nhiệm vụ"

    @property
    def short(self) -> str:
        return self.value.upper()


_LEVEL_ORDER = tuple(Level)  # best first


def worst(a: Level, b: Level) -> Level:
    """The lower of two levels."""
    return a if a.rank >= b.rank else b


def cap(level: Level, max_level: Level) -> Level:
    """``level``, lowered to ``max_level`` if it is better than that."""
    return worst(level, max_level)


def level_below(level: Level) -> Level:
    """The next level down; ``NOT_COMPLETED`` stays where it is."""
    return _LEVEL_ORDER[min(level.rank, len(_LEVEL_ORDER) - 1)]


class Grade(LabelledEnum):
    """The grade of one criterion in the criteria method (2019, 2023): Xuất sắc / Tốt / Trung bình / Kém."""

    EXCELLENT = "xuat_sac", "Xuất sắc"
    GOOD = "tot", "Tốt"
    AVERAGE = "trung_binh", "Trung bình"
    POOR = "kem", "Kém"

    def at_least(self, other: Grade) -> bool:
        return self.rank <= other.rank
