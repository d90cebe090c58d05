"""The terms a rule set is written in: its methods, quota bases, subjects, exclusions and triggers, the reasons it
gives, and the small value objects (vote thresholds, the 100-point bands, the timeline) a version is made of.
Plain Python, no ORM; ``base.RuleSet`` puts them to work.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Any

from .levels import LabelledEnum, Level

NEW_MEMBER_MONTHS = 6


class RatingMethod(LabelledEnum):
    CRITERIA = "criteria", "Đánh giá từng tiêu chí (Xuất sắc / Tốt / Trung bình / Kém)"
    SCORE_100 = "score_100", "Chấm điểm theo thang 100 điểm"


class QuotaBase(LabelledEnum):
    """The group over which "excellent ≤ 20% of good" is counted."""

    GRASSROOTS_ORGANISATION = "grassroots_organisation", "Tính trong từng tổ chức cơ sở đảng"
    SIMILAR_SUBJECTS = "similar_subjects", "Tính trong từng nhóm đối tượng có vai trò, chức trách tương đồng"


class Subject(LabelledEnum):
    """Who gets a rating."""

    MEMBER = "member", "Đảng viên"
    ORGANISATION = "organisation", "Tổ chức đảng"
    LEADERSHIP_COLLECTIVE = "leadership_collective", "Tập thể lãnh đạo, quản lý"
    LEADING_INDIVIDUAL = "leading_individual", "Cá nhân cán bộ lãnh đạo, quản lý"


class Exclusion(LabelledEnum):
    """A status that keeps a member out of the review or out of the rating, depending on the version."""

    EXEMPTED = "exempted", "Đảng viên được miễn công tác và sinh hoạt đảng"
    SUSPENDED = "suspended", "Đảng viên bị đình chỉ sinh hoạt đảng"
    NEWLY_ADMITTED = "newly_admitted", f"Đảng viên mới được kết nạp chưa đủ {NEW_MEMBER_MONTHS} tháng"


class Trigger(StrEnum):
    """A fact that makes a member "not completed" (không hoàn thành nhiệm vụ) whatever the method says."""

    DEGENERATION = "degeneration"
    TARGETS_BELOW_HALF = "targets_below_half"
    CIVIL_SERVANT_NOT_COMPLETED = "civil_servant_not_completed"
    DISCIPLINE = "discipline"
    BREAKS_PROHIBITIONS = "breaks_prohibitions"
    TASKS_MOSTLY_NOT_COMPLETED = "tasks_mostly_not_completed"
    LEADER_UNIT_BELOW_70 = "leader_unit_below_70"
    LEADER_LOW_CONFIDENCE = "leader_low_confidence"


SICK_LEAVE_CAP_MONTHS = 3
HALF = Fraction(1, 2)
LEADER_UNIT_MIN_SHARE = Fraction(7, 10)

_TRIGGER_REASONS = {
    Trigger.DEGENERATION: (
        "Bị cấp có thẩm quyền kết luận có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, "
        "“tự diễn biến”, “tự chuyển hóa”"
    ),
    Trigger.TARGETS_BELOW_HALF: "Hoàn thành dưới 50% chỉ tiêu, nhiệm vụ được giao",
    Trigger.CIVIL_SERVANT_NOT_COMPLETED: (
        "Bị xếp loại không hoàn thành nhiệm vụ với tư cách cán bộ, công chức, viên chức"
    ),
    Trigger.BREAKS_PROHIBITIONS: (
        "Vi phạm quy định về những điều đảng viên không được làm hoặc quy định về trách nhiệm nêu gương"
    ),
    Trigger.TASKS_MOSTLY_NOT_COMPLETED: "Có trên 50% nhiệm vụ trong năm không hoàn thành",
    Trigger.LEADER_UNIT_BELOW_70: (
        "Cơ quan, đơn vị, lĩnh vực được giao phụ trách hoàn thành dưới 70% chỉ tiêu, nhiệm vụ"
    ),
    Trigger.LEADER_LOW_CONFIDENCE: "Có trên 50% số phiếu tín nhiệm thấp",
}

SICK_LEAVE_REASON = (
    f"Nghỉ ốm từ {SICK_LEAVE_CAP_MONTHS} tháng trở lên trong năm: không xếp loại cao hơn mức hoàn thành nhiệm vụ"
)
STAYS_COMPLETED_REASON = (
    "Đạt từ 50 điểm và không thuộc trường hợp không hoàn thành nhiệm vụ: vẫn xếp loại hoàn thành nhiệm vụ "
    "(cách hiểu mặc định của kỳ đánh giá)"
)
COLLECTIVE_DISCIPLINE_REASON = (
    "Có tổ chức đảng trực thuộc hoặc thành viên lãnh đạo bị thi hành kỷ luật trong năm: "
    "không xếp loại hoàn thành xuất sắc nhiệm vụ"
)


class WrongMethod(ValueError):
    """The rule set does not rate by the method the caller used."""


class NotRated(ValueError):
    """The member is not rated in this period (see ``RuleSet.review_status``)."""


@dataclass(frozen=True)
class VoteThresholds:
    """Share of the cell's official members whose votes a proposed level needs (the 2011 rule).

    Excellent needs at least ``excellent`` (≥ 2/3); good needs more than ``good`` (> 1/2).
    """

    excellent: Fraction = Fraction(2, 3)
    good: Fraction = Fraction(1, 2)

    def __post_init__(self) -> None:
        for name in ("excellent", "good"):
            value = Fraction(getattr(self, name))
            if not 0 < value <= 1:
                raise ValueError(f"Ngưỡng biểu quyết phải lớn hơn 0 và không quá 1, nhận được {value}.")
            object.__setattr__(self, name, value)

    @classmethod
    def from_setting(cls, value: VoteThresholds | Mapping[str, Any]) -> VoteThresholds:
        """Accept the form a cycle's JSON settings hold: ``{"excellent": "2/3", "good": "1/2"}``."""
        if isinstance(value, VoteThresholds):
            return value
        unknown = set(value) - {"excellent", "good"}
        if unknown:
            raise ValueError(f"Ngưỡng biểu quyết không hợp lệ: {', '.join(sorted(unknown))}.")
        return cls(**{name: Fraction(str(share)) for name, share in value.items()})


@dataclass(frozen=True)
class ScoreRules:
    """The 100-point method's numbers (2025)."""

    general_max: Decimal
    tasks_max: Decimal
    bands: tuple[tuple[Decimal, Level], ...]
    excellent_min_exceeding_share: Decimal
    completed_max_late_share: Decimal


@dataclass(frozen=True)
class Timeline:
    """Fixed deadlines of a version (2025). A deadline is the last allowed day."""

    finish_month_day: tuple[int, int]
    special_cycle_finish_month_day: tuple[int, int]
    files_due_month_day: tuple[int, int]
    draft_report_working_days: int
    meeting_min_days: int

    def finish_by(self, year: int, special_cycle: bool = False) -> date:
        """Every level finishes by this day; units on a special annual cycle by the day in January after."""
        if special_cycle:
            return date(year + 1, *self.special_cycle_finish_month_day)
        return date(year, *self.finish_month_day)

    def files_due(self, year: int) -> date:
        """The review files reach the central organisation commission by this day of the next year."""
        return date(year + 1, *self.files_due_month_day)

    def draft_report_due(self, meeting_on: date) -> date:
        """The last day to send the draft collective report: N working days (Mon–Fri) before the meeting.

        Public holidays are not known here; the caller may move the date earlier.
        """
        day = meeting_on
        remaining = self.draft_report_working_days
        while remaining:
            day -= timedelta(days=1)
            if day.weekday() < 5:
                remaining -= 1
        return day


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the end of a shorter month (31/8 + 6 months → 28 or 29/2)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _to_decimal(value: Decimal | int | str | float, what: str) -> Decimal:
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{what} không phải là một số: {value!r}.") from None
    if not number.is_finite():
        raise ValueError(f"{what} không phải là một số hữu hạn: {value!r}.")
    return number
