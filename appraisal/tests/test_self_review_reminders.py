"""The secretary reminds those who have not filed: a notice and an e-mail, once a day, only to them."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from appraisal.models import Notification
from appraisal.selectors.self_reviews import member_form
from appraisal.services import self_review_remind, self_review_save, self_review_submit
from audit.models import AuditEntry
from party_units.tests.personas import make_member, make_user

from .factories import entry_of, form_data, open_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def cell(personas, time_machine):
    """Cell A1 on 20/11/2025 with members who have accounts: one filed, one drafting, one returned, one not
    started, one exempted."""
    time_machine.move_to(datetime.datetime(2025, 11, 20, 3, 0, tzinfo=datetime.UTC))
    people = {"filed": personas.member_a1}
    for key in ("drafting", "returned", "missing", "exempt"):
        people[key] = make_user(f"dv_{key}", email=f"{key}@example.vn")
        make_member(f"Đảng viên {key}", personas.cell_a1, user=people[key])
    personas.member_a1.email = "filed@example.vn"
    personas.member_a1.save()
    from members.models import MemberStatus, StatusKind

    MemberStatus.objects.create(
        member=people["exempt"].member, kind=StatusKind.EXEMPTED, start_date=datetime.date(2025, 1, 1)
    )
    ur = open_review(personas.ward_a, personas.cell_a1, self_review_due=datetime.date(2025, 12, 31))
    structure = member_form(ur, personas.member_record_a1).structure
    entry = entry_of(structure, form_data(structure, level="httnv"))
    for key in ("filed", "returned"):
        member = people[key].member
        self_review_save(actor=people[key], unit_review=ur, member=member, entry=entry)
        self_review_submit(actor=people[key], unit_review=ur, member=member)
    from appraisal.services import self_review_return

    self_review_return(actor=personas.sec_a1, self_review=people["returned"].member.self_reviews.get(), reason="Sửa")
    self_review_save(actor=people["drafting"], unit_review=ur, member=people["drafting"].member, entry=entry)
    mail.outbox.clear()
    return ur, people


def test_reminder_reaches_only_those_who_have_not_filed_once_a_day(cell, personas, django_capture_on_commit_callbacks):
    ur, people = cell
    with django_capture_on_commit_callbacks(execute=True):
        assert self_review_remind(actor=personas.sec_a1, unit_review=ur) == 3
    reminded = set(Notification.objects.filter(kind="self_review.reminder").values_list("user__username", flat=True))
    assert reminded == {"dv_drafting", "dv_returned", "dv_missing"}  # not the filed, not the exempt
    assert sorted(m.to[0] for m in mail.outbox) == ["drafting@example.vn", "missing@example.vn", "returned@example.vn"]
    assert "hạn nộp 31/12/2025" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert self_review_remind(actor=personas.sec_a1, unit_review=ur) == 0  # again the same day: nobody
    assert Notification.objects.filter(kind="self_review.reminder").count() == 3 and len(mail.outbox) == 3
    entry = AuditEntry.objects.filter(action="self_review.reminded").first()
    assert entry is not None


def test_the_reminded_member_sees_it_on_the_home_page(cell, personas, client_for):
    ur, people = cell
    self_review_remind(actor=personas.sec_a1, unit_review=ur)
    home = client_for(people["missing"]).get(reverse("home")).content.decode()
    assert "Nhắc nộp bản kiểm điểm cá nhân năm 2025" in home
    assert "Nhắc nộp" not in client_for(personas.member_a1).get(reverse("home")).content.decode()


def test_the_next_day_they_may_be_reminded_again(cell, personas, time_machine):
    ur, _people = cell
    time_machine.move_to(datetime.datetime(2025, 12, 1, 3, 0, tzinfo=datetime.UTC))
    assert self_review_remind(actor=personas.sec_a1, unit_review=ur) == 3
    time_machine.move_to(datetime.datetime(2025, 12, 2, 3, 0, tzinfo=datetime.UTC))
    assert self_review_remind(actor=personas.sec_a1, unit_review=ur) == 3


def test_reminding_through_the_page(cell, personas, client_for):
    ur, _people = cell
    client = client_for(personas.sec_a1)
    response = client.post(reverse("appraisal:cell_self_reviews", args=[ur.cycle_id, ur.unit_id]), follow=True)
    assert "Đã nhắc 3 đảng viên chưa nộp." in response.content.decode()
    response = client.post(reverse("appraisal:cell_self_reviews", args=[ur.cycle_id, ur.unit_id]), follow=True)
    assert "Không có ai cần nhắc thêm hôm nay" in response.content.decode()


def test_only_the_cells_secretary_reminds(cell, personas):
    ur, _people = cell
    for user in (personas.sec_a2, personas.member_a1, personas.staff_b):
        with pytest.raises(PermissionDenied):
            self_review_remind(actor=user, unit_review=ur)
    assert not Notification.objects.filter(kind="self_review.reminder").exists()


def test_the_task_sends_through_the_configured_backend(cell, personas, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ur, _people = cell
    with django_capture_on_commit_callbacks(execute=True):
        self_review_remind(actor=personas.sec_a1, unit_review=ur)
    assert len(mail.outbox) == 3
    assert all(n.emailed_at for n in Notification.objects.filter(kind="self_review.reminder"))
