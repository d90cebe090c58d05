"""Builders for document tests: a held review meeting with its guests, attendance and the cell's proposals,
written straight into the workflow's records (the meeting pages have their own services and tests)."""

from __future__ import annotations

import datetime

from appraisal.models import Attendance, MeetingGuest, Rating, ReviewMeeting, UnitReview, VoteMethod
from appraisal.rules import Subject
from appraisal.tests.factories import cycle as make_cycle
from members.models import Member
from members.tests.factories import bulk_members
from party_units.models import PartyUnit

LEVELS = ("htxsnv", "httnv", "httnv", "htnv")


def opened_cycle(unit: PartyUnit, *, year: int = 2021, rule_set: str = "hd21-2019"):
    return make_cycle(unit, year=year, rule_set=rule_set, opened=True, title=f"Kiểm điểm năm {year}")


def add_members(cell: PartyUnit, count: int, *, prefix: str = "Đảng viên") -> list[Member]:
    """``count`` members in ``cell``, written in bulk (names NFC with diacritics)."""
    return bulk_members([(f"{prefix} Thị Ánh Tuyết {cell.pk}-{index:03d}", cell) for index in range(count)])


def hold_meeting(
    review: UnitReview,
    members: list[Member],
    *,
    absent: dict[int, str] | None = None,
    held_on: datetime.date = datetime.date(2021, 11, 16),
    guests: tuple[tuple[str, str, str], ...] = (
        ("Nguyễn Hải An", "Thành ủy viên, Bí thư Đảng ủy phường Quyết Thắng", ""),
    ),
    levels: tuple[str, ...] = LEVELS,
) -> ReviewMeeting:
    """A meeting of ``review`` where every present member is rated (levels cycled), with tallies."""
    absent = absent or {}
    meeting = ReviewMeeting.objects.create(
        unit_review=review,
        held_on=held_on,
        starts_at=datetime.time(14, 0),
        ends_at=datetime.time(17, 30),
        place="Phòng họp Hội đồng sư phạm",
        chair=members[0],
        minute_taker=members[1],
        vote_method=VoteMethod.SECRET_BALLOT,
        conclusions="Chi bộ thống nhất đề nghị xếp loại như kết quả biểu quyết.",
    )
    MeetingGuest.objects.bulk_create(
        MeetingGuest(meeting=meeting, full_name=name, title=title, unit_name=unit, position=i)
        for i, (name, title, unit) in enumerate(guests)
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=m, present=m.pk not in absent, absence_reason=absent.get(m.pk, ""))
        for m in members
    )
    present = len(members) - len(absent)
    ratings = []
    for index, member in enumerate(members):
        level = levels[index % len(levels)]
        ratings.append(
            Rating(
                unit_review=review,
                subject=Subject.MEMBER,
                member=member,
                self_level=level,
                comments=f"Gương mẫu, nhiệt tình; cần phát huy hơn nữa ({index}).",
                shortcomings="Đôi khi chưa mạnh dạn phê bình." if index % 3 == 0 else "",
                proposed_level=level,
                votes={level: present - (index % 2), "htnv": index % 2} if level != "htnv" else {level: present},
            )
        )
    ratings.append(
        Rating(
            unit_review=review,
            subject=Subject.ORGANISATION,
            unit=review.unit,
            self_level="httnv",
            proposed_level="httnv",
            votes={"httnv": present},
        )
    )
    Rating.objects.bulk_create(ratings)
    return meeting
