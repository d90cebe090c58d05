"""The self-review form in a real browser (Debian's Chromium): a 375 px phone, autosave while typing, and
nothing lost when the session times out — the text waits in localStorage and comes back after logging in."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from appraisal.models import SelfReview
from appraisal.tests import factories as f
from tests.test_browser import browser_page, login  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_autosave_and_recovery_after_a_timed_out_session_on_a_phone(personas, live_server, browser_page):  # noqa: F811
    review = f.open_review(personas.ward_a, personas.cell_a1)
    url = live_server.url + reverse("appraisal:self_review", args=[review.pk, personas.member_record_a1.pk])
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_server.url, "member_a1")
    page.wait_for_url(live_server.url + reverse("home"))
    page.click("text=Viết bản kiểm điểm năm nay")
    page.wait_for_selector("#self-review-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling

    page.fill("#t-aii", "Chưa mạnh dạn phê bình")
    page.wait_for_selector("#autosave-status:has-text('Đã tự động lưu')")
    assert SelfReview.objects.get().content["A.II"] == "Chưa mạnh dạn phê bình"

    Session.objects.all().delete()  # the session times out on the server
    page.fill("#t-aii", "Chưa mạnh dạn phê bình; còn ngại dùng công nghệ")
    page.wait_for_selector("#autosave-status:has-text('Phiên đăng nhập đã hết hạn')")
    assert SelfReview.objects.get().content["A.II"] == "Chưa mạnh dạn phê bình"
    key = f"kd-self-review:{review.pk}:{personas.member_record_a1.pk}"
    assert "còn ngại dùng công nghệ" in page.evaluate(f"window.localStorage.getItem('{key}')")

    login(page, live_server.url, "member_a1")
    page.wait_for_url(live_server.url + reverse("home"))
    page.goto(url)
    page.wait_for_selector("#autosave-status:has-text('Đã tự động lưu')")
    assert page.input_value("#t-aii") == "Chưa mạnh dạn phê bình; còn ngại dùng công nghệ"
    assert SelfReview.objects.get().content["A.II"] == "Chưa mạnh dạn phê bình; còn ngại dùng công nghệ"
    assert page.evaluate(f"window.localStorage.getItem('{key}')") is None
