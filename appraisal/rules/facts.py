"""What a rule set is told about a subject: plain, frozen input data.

The caller (the Django layer) evaluates statuses such as "exempted in the period" and passes booleans.
Disciplines carry their decision dates, because which of them fall in the period is a rule of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .levels import Grade, LabelledEnum

Ratio = float | Decimal | Fraction
"""A share between 0 and 1 (0.5 means 50%)."""


def _exact_ratio(name: str, value: Ratio | None) -> Fraction | None:
    """The share as an exact fraction: a float is read by its decimal text, so 0.7 is exactly 7/10."""
    if value is None:
        return None
    exact = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    if not 0 <= exact <= 1:
        raise ValueError(f"Tỷ lệ {name} phải nằm trong khoảng từ 0 đến 1, nhận được {value}.")
    return exact


@dataclass(frozen=True)
class Period:
    """The period a rating covers: usually a calendar year, possibly a quarter or a term."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"Kỳ đánh giá không hợp lệ: ngày bắt đầu {self.start} sau ngày kết thúc {self.end}.")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class DisciplineLevel(LabelledEnum):
    """Party discipline of a member, mildest first: khiển trách < cảnh cáo < cách chức < khai trừ."""

    REPRIMAND = "khien_trach", "khiển trách"
    WARNING = "canh_cao", "cảnh cáo"
    DISMISSAL = "cach_chuc", "cách chức"
    EXPULSION = "khai_tru", "khai trừ"

    @property
    def severity(self) -> int:
        """1 for a reprimand (the mildest form) up to 4 for expulsion."""
        return self.rank

    def at_least(self, other: DisciplineLevel) -> bool:
        return self.severity >= other.severity


@dataclass(frozen=True)
class Discipline:
    """One disciplinary decision against a member.

    ``duty_related``: the violation is tied to the member's duties (matters from 2025 on).
    ``self_detected``: the member found the violation, admitted it and remedied it themself
    (tự phát hiện, chủ động khắc phục); an exception from 2023 on.
    ``already_counted``: the violation already led to "not completed" in an earlier year's rating
    (một nội dung vi phạm chỉ tính một lần khi xếp loại).
    """

    decided_on: date
    level: DisciplineLevel
    duty_related: bool = True
    self_detected: bool = False
    already_counted: bool = False


@dataclass(frozen=True)
class MemberFacts:
    """What a rule set needs to know about one party member (đảng viên) for one period.

    Booleans describe the period being rated; ``None`` for a ratio means "not assessed". Ratios are stored
    as exact fractions.
    ``targets_done_ratio`` is the share of assigned targets reached (2019 trigger: below 50%);
    ``tasks_not_completed_ratio`` the share of the year's tasks not completed (2025 trigger: above 50%).
    The two ``leader_*`` ratios apply to holders of a leadership post from 2025 on.
    """

    admitted_on: date | None = None
    exempted: bool = False
    suspended: bool = False
    disciplines: tuple[Discipline, ...] = ()
    sick_leave_months: float | Decimal = 0
    maternity_leave: bool = False
    holds_leadership_post: bool = False
    in_political_system: bool = True
    degeneration_concluded: bool = False
    civil_servant_not_completed: bool = False
    targets_done_ratio: Ratio | None = None
    tasks_not_completed_ratio: Ratio | None = None
    breaks_member_prohibitions: bool = False
    leader_unit_tasks_done_ratio: Ratio | None = None
    leader_low_confidence_ratio: Ratio | None = None

    def __post_init__(self) -> None:
        if self.sick_leave_months < 0:
            raise ValueError("Số tháng nghỉ ốm không được âm.")
        for field, name in (
            ("targets_done_ratio", "chỉ tiêu đạt được"),
            ("tasks_not_completed_ratio", "nhiệm vụ không hoàn thành"),
            ("leader_unit_tasks_done_ratio", "nhiệm vụ đơn vị hoàn thành"),
            ("leader_low_confidence_ratio", "phiếu tín nhiệm thấp"),
        ):
            object.__setattr__(self, field, _exact_ratio(name, getattr(self, field)))


@dataclass(frozen=True)
class CollectiveFacts:
    """What a rule set needs to know about a party organisation or a leadership collective.

    ``subordinate_disciplined_on``: decision dates of disciplines against its subordinate units or
    members of its leadership, in any year; the rule set keeps those inside the period.
    """

    subordinate_disciplined_on: tuple[date, ...] = ()


@dataclass(frozen=True)
class ScoreConditions:
    """The counts behind the hard conditions of the 100-point method (2025).

    A task done late (hoàn thành chậm tiến độ) is one that is done but not on time. With no tasks at all
    every share counts as 100%; with no earlier shortcomings, all of them count as fixed.
    """

    tasks_total: int
    tasks_done: int
    tasks_on_time: int
    tasks_exceeding: int = 0
    shortcomings_total: int = 0
    shortcomings_fixed: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.tasks_on_time <= self.tasks_done <= self.tasks_total:
            raise ValueError(
                "Số nhiệm vụ không hợp lệ: cần 0 ≤ đúng tiến độ ≤ hoàn thành ≤ tổng số nhiệm vụ "
                f"(nhận được {self.tasks_on_time}, {self.tasks_done}, {self.tasks_total})."
            )
        if not 0 <= self.tasks_exceeding <= self.tasks_done:
            raise ValueError("Số nhiệm vụ vượt mức phải từ 0 đến số nhiệm vụ đã hoàn thành.")
        if not 0 <= self.shortcomings_fixed <= self.shortcomings_total:
            raise ValueError("Số hạn chế, khuyết điểm đã khắc phục phải từ 0 đến tổng số hạn chế, khuyết điểm.")

    def _share(self, count: int) -> Fraction:
        return Fraction(count, self.tasks_total) if self.tasks_total else Fraction(1)

    @property
    def done_share(self) -> Fraction:
        return self._share(self.tasks_done)

    @property
    def on_time_share(self) -> Fraction:
        return self._share(self.tasks_on_time)

    @property
    def late_share(self) -> Fraction:
        return self._share(self.tasks_done - self.tasks_on_time) if self.tasks_total else Fraction(0)

    @property
    def exceeding_share(self) -> Fraction:
        return self._share(self.tasks_exceeding)

    @property
    def shortcomings_fixed_share(self) -> Fraction:
        if not self.shortcomings_total:
            return Fraction(1)
        return Fraction(self.shortcomings_fixed, self.shortcomings_total)


@dataclass(frozen=True)
class CriteriaAssessment:
    """Grades for the criteria method (2019, 2023): the task-result criterion and every other criterion."""

    task_result: Grade
    others: tuple[Grade, ...] = ()


@dataclass(frozen=True)
class ScoreAssessment:
    """Points for the 100-point method (2025): general criteria (0–30) and task results (0–70)."""

    general: Decimal | int | str
    tasks: Decimal | int | str
    conditions: ScoreConditions
