"""Faults: the database failing under a request gives a Vietnamese 503 page that says whether anything was saved
(nothing: the change is one transaction), never a traceback; the change is whole or absent."""

from __future__ import annotations

import contextlib

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_fails_on(fragment: str):
    """Every statement containing ``fragment`` fails as a dropped connection would (OperationalError)."""

    def wrapper(execute, sql, params, many, context):
        if fragment in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def test_a_page_read_while_the_database_fails_is_a_vietnamese_503_without_traceback(personas, client):
    client.raise_request_exception = False
    client.force_login(personas.sec_a1)
    with database_fails_on('"members_membership"'):
        answer = client.get(reverse("members:roster", args=[personas.cell_a1.pk]))
    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    text = answer.content.decode()
    assert "Tạm thời không truy cập được cơ sở dữ liệu" in text
    assert "Traceback" not in text and "OperationalError" not in text
    assert "CHƯA được lưu" not in text  # nothing was sent
    assert "Content-Security-Policy" in answer  # the error page is protected like the others
    # The next request, the database back, is served.
    assert client.get(reverse("members:roster", args=[personas.cell_a1.pk])).status_code == 200


def test_a_change_sent_while_the_database_fails_is_not_saved_at_all_and_the_user_is_told(personas, client):
    client.raise_request_exception = False
    client.force_login(personas.sec_a1)
    member = personas.member_record_a1
    entries = AuditEntry.objects.count()
    data = {
        "full_name": "Nguyễn Văn Ân",
        "gender": member.gender or "male",
        "date_of_birth": "14/03/1985",
        "admitted_on": "19/05/2010",
        "full_member_on": "19/05/2011",
    }
    # The member row is written, then the audit entry fails: the whole change must be undone.
    with database_fails_on('INSERT INTO "audit_auditentry"'):
        answer = client.post(reverse("members:edit", args=[member.pk]), data)
    assert answer.status_code == 503
    assert "Thao tác vừa gửi CHƯA được lưu" in answer.content.decode()
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Văn An"
    assert member.date_of_birth is None
    assert AuditEntry.objects.count() == entries
    # Sent again with the database back: saved whole, with its audit entry.
    assert client.post(reverse("members:edit", args=[member.pk]), data).status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Văn Ân"
    assert AuditEntry.objects.count() == entries + 1


def test_any_other_error_is_a_plain_vietnamese_500(personas, client, monkeypatch):
    from party_units import views

    client.raise_request_exception = False
    client.force_login(personas.sec_a1)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "render", broken)
    answer = client.get(reverse("home"))
    assert answer.status_code == 500
    assert "Đã xảy ra lỗi hệ thống" in answer.content.decode()
    assert "a bug" not in answer.content.decode()
