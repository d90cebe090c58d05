"""Users change their password, and reset a forgotten one by e-mail, through Django's views in Vietnamese pages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from party_units.tests.personas import PASSWORD

pytestmark = pytest.mark.django_db
NEW = "Ch1-b0-moi-2025!"


def can_sign_in(client, username: str, password: str) -> bool:
    client.logout()
    answer = client.post(reverse("login"), {"username": username, "password": password})
    return answer.status_code == 302 and answer["Location"] == reverse("home")


def test_a_member_changes_her_password(personas, client):
    client.force_login(personas.member_a1)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "Đổi mật khẩu" in page.content.decode()
    answer = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert answer.status_code == 302
    assert answer["Location"] == reverse("password_change_done")
    assert "Đã đổi mật khẩu" in client.get(answer["Location"]).content.decode()
    assert can_sign_in(client, "member_a1", NEW)
    assert not can_sign_in(client, "member_a1", PASSWORD)


def test_a_wrong_current_password_or_a_weak_new_one_is_refused_in_vietnamese(personas, client):
    client.force_login(personas.member_a1)
    wrong = client.post(
        reverse("password_change"), {"old_password": "khong-dung", "new_password1": NEW, "new_password2": NEW}
    )
    assert wrong.status_code == 200
    assert "Mật khẩu cũ không chính xác" in wrong.content.decode()
    weak = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert weak.status_code == 200
    assert "Mật khẩu này quá ngắn" in weak.content.decode()
    assert can_sign_in(client, "member_a1", PASSWORD)


def test_signed_out_the_change_page_asks_to_sign_in(client):
    answer = client.get(reverse("password_change"))
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("login"))


def test_every_page_links_to_the_change_and_the_sign_in_page_to_the_reset(personas, client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    client.force_login(personas.sec_a1)
    assert reverse("password_change") in client.get(reverse("home")).content.decode()


def reset_link(message) -> str:
    found = re.search(r"https?://[^\s]+/dat-lai-mat-khau/[^\s]+/", message.body)
    assert found, message.body
    return found.group(0)


def test_a_forgotten_password_is_reset_through_the_link_sent_by_mail(personas, client, settings):
    settings.SITE_URL = "https://kiemdiem.example.vn"
    personas.member_a1.email = "an@example.vn"
    personas.member_a1.save()
    page = client.get(reverse("password_reset"))
    assert "Quên mật khẩu" in page.content.decode()
    sent = client.post(reverse("password_reset"), {"email": "an@example.vn"})
    assert sent["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.vn"]
    assert "Đặt lại mật khẩu" in message.subject
    assert "member_a1" in message.body
    link = reset_link(message)
    assert link.startswith("https://kiemdiem.example.vn/dat-lai-mat-khau/")

    path = urlsplit(link).path
    form_page = client.get(path, follow=True)
    assert "Đặt mật khẩu mới" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("password_reset_complete")
    assert can_sign_in(client, "member_a1", NEW)

    # The link works once.
    client.logout()
    again = client.get(path, follow=True)
    assert "không hợp lệ" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(personas, client):
    answer = client.post(reverse("password_reset"), {"email": "ai-do@example.vn"})
    assert answer["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_mismatched_new_passwords_are_refused_and_the_old_one_still_works(personas, client):
    personas.member_a1.email = "an@example.vn"
    personas.member_a1.save()
    client.post(reverse("password_reset"), {"email": "an@example.vn"})
    form_page = client.get(urlsplit(reset_link(mail.outbox[0])).path, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    refused = client.post(set_url, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert refused.status_code == 200
    assert "Hai trường mật khẩu không giống nhau" in refused.content.decode()
    assert can_sign_in(client, "member_a1", PASSWORD)
