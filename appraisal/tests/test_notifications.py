"""Notices: written once a day per key, e-mailed through the configured backend, read on the home page."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from appraisal.models import Notification
from appraisal.services import notification_mark_read, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailed(personas):
    for user in (personas.member_a1, personas.member_b1):
        user.email = f"{user.username}@example.vn"
        user.save()
    return personas


def test_notify_creates_a_notice_and_emails_it_once_the_transaction_commits(mailed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(
            actor=None, users=[mailed.member_a1], kind="test", text="Nhắc nộp bản kiểm điểm", url="/danh-gia/"
        )
    assert len(created) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["member_a1@example.vn"]
    assert "Nhắc nộp bản kiểm điểm" in mail.outbox[0].body
    created[0].refresh_from_db()
    assert created[0].emailed_at is not None


def test_same_key_same_day_is_created_and_sent_only_once(mailed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(actor=None, users=[mailed.member_a1], kind="r", text="Nhắc", dedupe_key="remind:1")
        again = notify(
            actor=None, users=[mailed.member_a1, mailed.member_b1], kind="r", text="Nhắc", dedupe_key="remind:1"
        )
    assert [n.user_id for n in again] == [mailed.member_b1.pk]
    assert Notification.objects.filter(user=mailed.member_a1, dedupe_key="remind:1").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["member_a1@example.vn", "member_b1@example.vn"]


def test_same_key_next_day_is_a_new_notice(mailed, monkeypatch):
    notify(actor=None, users=[mailed.member_a1], kind="r", text="Nhắc", dedupe_key="k")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert len(notify(actor=None, users=[mailed.member_a1], kind="r", text="Nhắc", dedupe_key="k")) == 1


def test_user_without_address_gets_the_notice_but_no_mail(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(actor=None, users=[personas.outsider], kind="r", text="Xin chào")
    assert len(created) == 1 and mail.outbox == []


def test_bad_input_is_refused_and_nothing_written(personas):
    with pytest.raises(ValidationError):
        notify(actor=None, users=[personas.member_a1], kind="r", text="   ")
    with pytest.raises(ValidationError):
        notify(actor=None, users=[personas.member_a1], kind="r", text="x", url="https://evil.example/")
    assert not Notification.objects.exists()


def test_home_panel_lists_unread_with_count_and_marking_read_hides_it(personas, client_for):
    notify(actor=None, users=[personas.sec_a1], kind="r", text="Thông báo thứ nhất", email=False)
    notify(actor=None, users=[personas.sec_a1], kind="r", text="Thông báo thứ hai", url="/danh-gia/", email=False)
    client = client_for(personas.sec_a1)
    page = client.get(reverse("home")).content.decode()
    assert "Thông báo chưa đọc" in page and "Thông báo thứ hai" in page
    assert '<span class="badge text-bg-warning">2</span>' in page
    notice = Notification.objects.get(text="Thông báo thứ hai")
    response = client.post(reverse("appraisal:notification_read", args=[notice.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/danh-gia/"
    client.post(reverse("appraisal:notification_read_all"))
    assert "Thông báo chưa đọc" not in client.get(reverse("home")).content.decode()
    assert not Notification.objects.filter(user=personas.sec_a1, read_at__isnull=True).exists()


def test_someone_elses_notice_is_404_and_stays_unread(personas, client_for):
    (notice,) = notify(actor=None, users=[personas.member_a1], kind="r", text="Riêng tư", email=False)
    for user in (personas.member_b1, personas.sec_a1, personas.superuser):
        client = client_for(user)
        assert client.post(reverse("appraisal:notification_read", args=[notice.pk])).status_code == 404
        assert "Riêng tư" not in client.get(reverse("appraisal:notification_list")).content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None
    with pytest.raises(PermissionDenied):
        notification_mark_read(actor=personas.member_b1, notification=notice)


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("appraisal:notification_list")).status_code == 302


def test_list_query_count_does_not_grow_with_notices(personas, client_for, django_assert_max_num_queries):
    for i in range(30):
        notify(actor=None, users=[personas.member_a1], kind="r", text=f"Thông báo {i}", email=False)
    client = client_for(personas.member_a1)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("appraisal:notification_list")).status_code == 200
    with django_assert_max_num_queries(14):
        client.get(reverse("home"))
