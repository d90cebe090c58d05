"""What a meeting's record is made of, as typed values: the header, the guests, the attendance and each
subject's entry (``MeetingInput``), the columns' names and labels the form, the checks and the page share, and
``Errors``, the field-keyed messages that name the subject and the column.

``appraisal.meeting_forms.MeetingForm`` reads the page's fields into a ``MeetingInput``; the demo and the tests
build one directly; ``services.meeting_checks`` checks it and ``services.meetings.meeting_save`` writes it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import VoteMethod
from .rules import Level
from .rules.levels import _LEVEL_ORDER

LEVELS = _LEVEL_ORDER  # best first: the order of the tally columns
LEVEL_VALUES = frozenset(level.value for level in LEVELS)
# The 100-point method's entries of one subject (2025), in the order the page shows them.
SCORE_FIELDS: tuple[tuple[str, str], ...] = (
    ("general", "Điểm tiêu chí chung (/30)"),
    ("tasks", "Điểm kết quả nhiệm vụ (/70)"),
    ("tasks_total", "Số nhiệm vụ được giao"),
    ("tasks_done", "Số nhiệm vụ hoàn thành"),
    ("tasks_on_time", "Số nhiệm vụ đúng tiến độ"),
    ("tasks_exceeding", "Số nhiệm vụ vượt mức"),
    ("shortcomings_total", "Số hạn chế đã chỉ ra"),
    ("shortcomings_fixed", "Số hạn chế đã khắc phục"),
)
MEETING_FIELDS = (
    "held_on",
    "starts_at",
    "ends_at",
    "place",
    "chair_id",
    "minute_taker_id",
    "vote_method",
    "conclusions",
)


def votes_column(level: Level) -> str:
    return _("Số phiếu «%(level)s»") % {"level": level.label}


COLUMN_LABELS = {
    "proposed_level": "Chi bộ đề nghị xếp loại",
    "comments": "Ý kiến góp ý, phê bình",
    "shortcomings": "Hạn chế, khuyết điểm cần khắc phục",
    "proposal_ground": "Căn cứ đề nghị ngoại lệ",
    "present": "Có mặt",
    "absence_reason": "Lý do vắng",
    **dict(SCORE_FIELDS),
}


@dataclass
class GuestEntry:
    full_name: str = ""
    title: str = ""
    unit_name: str = ""


@dataclass
class SubjectEntry:
    comments: str = ""
    shortcomings: str = ""
    votes: dict[str, int] = field(default_factory=dict)  # level value → count
    proposed_level: str = ""
    proposal_ground: str = ""
    assessment: dict[str, Decimal | int] = field(default_factory=dict)

    @property
    def is_blank(self) -> bool:
        return not (
            self.comments
            or self.shortcomings
            or any(self.votes.values())
            or self.proposed_level
            or self.proposal_ground
            or self.assessment
        )


@dataclass
class MeetingInput:
    held_on: datetime.date | None = None
    starts_at: datetime.time | None = None
    ends_at: datetime.time | None = None
    place: str = ""
    chair_id: int | None = None
    minute_taker_id: int | None = None
    vote_method: str = VoteMethod.SECRET_BALLOT
    conclusions: str = ""
    document_ids: set[int] = field(default_factory=set)
    guests: list[GuestEntry] = field(default_factory=list)
    attendance: dict[int, tuple[bool, str]] = field(default_factory=dict)  # member id → (present, reason)
    subjects: dict[str, SubjectEntry] = field(default_factory=dict)


class Errors(dict):
    """Field key → Vietnamese messages; ``add`` names the subject and the column in the message."""

    def add(self, key: str, message: str, *, who: str = "", column: str = "") -> None:
        prefix = " – ".join(part for part in (who, column) if part)
        self.setdefault(key, []).append(f"{prefix}: {message}" if prefix else message)


def subject_field(key: str, name: str) -> str:
    """The form field / error key of one subject's entry: ``m12-proposed_level``, ``o-votes-htxsnv``."""
    return f"{key}-{name}"
