"""The demo meetings: the 2021 meeting of Chi bộ Trường Tiểu học Mạc Đĩnh Chi as the article reports it, and a
2025 meeting in progress in another cell."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from appraisal.models import ProposalRound, Rating, ReviewMeeting, UnitReviewState
from appraisal.selectors.meetings import meeting_summary_line

ARTICLE_LINE = (
    "Đối với chi bộ đề nghị xếp loại hoàn thành xuất sắc nhiệm vụ; đối với đảng viên 04/19 đồng chí đề nghị xếp "
    "loại hoàn thành xuất sắc nhiệm vụ và 15/19 đồng chí xếp loại hoàn thành tốt nhiệm vụ"
)


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123


def test_the_2021_meeting_follows_the_article(demo):
    meeting = ReviewMeeting.objects.select_related("unit_review__unit", "unit_review__cycle").get(
        unit_review__unit__name="Chi bộ Trường Tiểu học Mạc Đĩnh Chi", unit_review__cycle__year=2021
    )
    review = meeting.unit_review
    assert meeting.held_on == datetime.date(2021, 11, 16)
    assert [(g.full_name, g.title) for g in meeting.guests.all()] == [
        ("Nguyễn Hải An", "Thành ủy viên, Bí thư Đảng ủy phường Quyết Thắng"),
        ("Hứa Thị Thanh Giang", "Đảng ủy viên, Phó Chủ tịch HĐND phường Quyết Thắng"),
    ]
    assert [d.code for d in meeting.guidance_documents.all()] == ["163-CV/ĐU"]
    present = meeting.attendance.filter(present=True).count()
    assert not meeting.attendance.filter(present=False).exists()
    assert meeting.vote_method == "secret_ballot"
    members = Rating.objects.filter(unit_review=review, subject="member")
    assert members.filter(proposed_level="htxsnv").count() == 4
    assert members.filter(proposed_level="httnv").count() == present - 4
    assert Rating.objects.get(unit_review=review, subject="organisation").proposed_level == "htxsnv"
    assert meeting_summary_line(review).startswith("Đối với chi bộ đề nghị xếp loại hoàn thành xuất sắc nhiệm vụ; ")
    # The ward then decided it (the decisions' demo, issue 10): approved, the round closed.
    assert review.state == UnitReviewState.APPROVED
    assert ProposalRound.objects.get(unit_review=review).outcome == "approved"


def test_the_2021_meeting_has_the_articles_19_members_and_its_summary_line(demo):
    meeting = ReviewMeeting.objects.get(
        unit_review__unit__name="Chi bộ Trường Tiểu học Mạc Đĩnh Chi", unit_review__cycle__year=2021
    )
    assert meeting.attendance.filter(present=True).count() == 19
    assert meeting_summary_line(meeting.unit_review) == ARTICLE_LINE


def test_a_2025_meeting_is_in_progress_in_another_cell(demo):
    meeting = ReviewMeeting.objects.select_related("unit_review__unit").get(unit_review__cycle__year=2025)
    assert meeting.unit_review.unit.name == "Chi bộ Trường Mầm non Quyết Thắng"
    assert meeting.unit_review.state == UnitReviewState.IN_PROGRESS
    assert Rating.objects.filter(unit_review=meeting.unit_review).exclude(proposed_level="").count() == 1
