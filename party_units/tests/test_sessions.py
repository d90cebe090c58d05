"""Sessions end after a configurable idle time with a message on the login page; nothing a signed-in user
sees is kept in a cache (Cache-Control: no-store on pages and files)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from party_units.tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 11, 3, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
EXPIRED = "Phiên làm việc đã hết hạn"


def member_page(personas):
    return reverse("members:detail", args=[personas.member_record_a1.pk])


def test_a_session_idle_longer_than_the_limit_ends_with_a_message_on_the_login_page(personas, client, settings):
    settings.SESSION_IDLE_MINUTES = 45
    with time_machine.travel(START, tick=False) as clock:
        assert client.login(username=personas.sec_a1.username, password=PASSWORD)
        assert client.get(member_page(personas)).status_code == 200
        clock.shift(datetime.timedelta(minutes=46))
        response = client.get(member_page(personas), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert not response.context["user"].is_authenticated
    assert EXPIRED in response.content.decode()
    assert "45 phút" in response.content.decode()


def test_activity_keeps_the_session_alive_past_the_limit(personas, client_for, settings):
    settings.SESSION_IDLE_MINUTES = 45
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(personas.sec_a1)
        for _ in range(4):  # two hours of work, a page every 30 minutes
            clock.shift(datetime.timedelta(minutes=30))
            response = client.get(member_page(personas))
            assert response.status_code == 200
            assert EXPIRED not in response.content.decode()


def test_the_idle_limit_is_configurable(personas, client_for, settings):
    settings.SESSION_IDLE_MINUTES = 10
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(personas.sec_a1)
        clock.shift(datetime.timedelta(minutes=9))
        assert client.get(member_page(personas)).status_code == 200
        clock.shift(datetime.timedelta(minutes=11))
        response = client.get(member_page(personas))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_fresh_login_shows_no_expiry_message(personas, client):
    response = client.post(reverse("login"), {"username": personas.sec_a1.username, "password": PASSWORD}, follow=True)
    assert response.context["user"].is_authenticated
    assert EXPIRED not in response.content.decode()


def test_pages_with_member_data_are_not_stored_in_any_cache(personas, client_for):
    client = client_for(personas.sec_a1)
    for url in [member_page(personas), reverse("members:roster", args=[personas.cell_a1.pk]), reverse("home")]:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_file_downloads_are_not_stored_in_any_cache(personas, client_for, django_capture_on_commit_callbacks):
    from reports.models import ReportJob

    client = client_for(personas.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:job_create", args=[personas.ward_a.pk, "unit_tree_xlsx"]))
    job = ReportJob.objects.get()
    download = client.get(reverse("reports:download", args=[job.pk]))
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    export = client.get(reverse("members:export", args=[personas.cell_a1.pk]))
    assert export.status_code == 200
    assert "no-store" in export["Cache-Control"]
