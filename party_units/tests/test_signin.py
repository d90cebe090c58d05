"""Repeated wrong passwords lock the account and the address for a while, with a Vietnamese message on the
login page; staff unlock from the admin or the command line."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from party_units.tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "bị tạm khóa"


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def test_fifty_wrong_passwords_are_not_all_answered_and_then_the_right_one_is_refused(personas, client, settings):
    username = personas.sec_a1.username
    answers = [attempt(client, username, f"sai-{n}").status_code for n in range(50)]
    assert answers[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(answers[settings.AXES_FAILURE_LIMIT :]) == {429}
    refused = attempt(client, username, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    page = refused.content.decode()
    assert LOCKED in page and "Hãy thử lại sau" in page
    assert 'name="username"' in page  # still the login page, not a bare error


def test_the_account_stays_locked_from_another_address(personas, client, settings):
    username = personas.sec_a1.username
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, username, "sai", ip=f"10.0.1.{n}")
    assert attempt(client, username, PASSWORD, ip="10.9.9.9").status_code == 429
    # another account is not affected from a fresh address
    assert signed_in(attempt(client, personas.staff_a.username, PASSWORD, ip="10.9.9.9"))


def test_an_address_trying_many_accounts_is_locked_for_every_account(personas, client, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"khong-co-{n}", "sai", ip="10.0.2.2")
    assert attempt(client, personas.staff_a.username, PASSWORD, ip="10.0.2.2").status_code == 429
    assert signed_in(attempt(client, personas.staff_a.username, PASSWORD, ip="10.0.2.3"))


def test_a_few_mistakes_then_the_right_password_work(personas, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, personas.sec_a1.username, "sai")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    assert signed_in(attempt(client, personas.sec_a1.username, PASSWORD))


def test_the_lock_ends_by_itself_after_the_cool_off(personas, client, settings):
    start = datetime.datetime(2025, 11, 3, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, personas.sec_a1.username, "sai")
        assert attempt(client, personas.sec_a1.username, PASSWORD).status_code == 429
        clock.shift(settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1))
        assert signed_in(attempt(client, personas.sec_a1.username, PASSWORD))


def test_staff_unlock_an_account_with_the_command(personas, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, personas.sec_a1.username, "sai", ip="10.0.3.1")
    assert attempt(client, personas.sec_a1.username, PASSWORD, ip="10.0.3.2").status_code == 429
    call_command("axes_reset_username", personas.sec_a1.username, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    assert signed_in(attempt(client, personas.sec_a1.username, PASSWORD, ip="10.0.3.2"))


def test_staff_unlock_an_account_in_the_admin_and_it_is_audited(personas, client, settings, django_user_model):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, personas.sec_a1.username, "sai", ip="10.0.4.1")
    assert attempt(client, personas.sec_a1.username, PASSWORD, ip="10.0.4.2").status_code == 429
    admin = django_user_model.objects.create_superuser("quantri", password="x")  # noqa: S106
    client.force_login(admin)
    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = client.get(changelist)
    assert personas.sec_a1.username in listing.content.decode()
    chosen = list(AccessAttempt.objects.filter(username=personas.sec_a1.username).values_list("pk", flat=True))
    response = client.post(changelist, {"action": "unlock", "_selected_action": chosen}, follow=True)
    assert "Đã mở khóa" in response.content.decode()
    assert not AccessAttempt.objects.filter(username=personas.sec_a1.username).exists()
    entries = AuditEntry.objects.filter(action="login.unlocked")
    assert len(entries) == len(chosen)
    assert {(e.actor, e.before["username"]) for e in entries} == {(admin, personas.sec_a1.username)}
    client.logout()
    assert signed_in(attempt(client, personas.sec_a1.username, PASSWORD, ip="10.0.4.2"))


def test_behind_the_proxy_the_forwarded_address_is_the_one_locked(personas, client, settings):
    settings.BEHIND_PROXY = True
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"khong-co-{n}", "password": "sai"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.5.5",
        )
    other_office = client.post(
        reverse("login"),
        {"username": personas.staff_a.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.0.5.6",
    )
    assert signed_in(other_office)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.5.5"}


def test_the_test_clients_login_still_works(personas, client):
    assert client.login(username=personas.sec_a1.username, password=PASSWORD)
    assert client.get(reverse("home")).status_code == 200
