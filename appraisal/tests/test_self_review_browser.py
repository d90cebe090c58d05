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


def test_the_derived_box_follows_the_typing_and_an_out_of_range_score_is_refused_and_marked(
    personas,
    live_server,
    browser_page,  # noqa: F811
):
    """The box says what is missing while the form is incomplete and shows the highest level allowed once the
    last figure is typed, without pressing "Lưu bản nháp"; a score above its item's maximum is not saved: the
    field is marked with the message until it is corrected."""
    from appraisal.selectors.self_reviews import member_form

    review = f.open_review(personas.ward_a, personas.cell_a1)
    member = personas.member_record_a1
    structure = member_form(review, member).structure
    data = f.form_data(structure)
    data.pop("proposed_level")
    item = structure.score_groups[0].items[0]
    last = f"s:{item.code}"
    page = browser_page
    login(page, live_server.url, "member_a1")
    page.wait_for_url(live_server.url + reverse("home"))
    page.goto(live_server.url + reverse("appraisal:self_review", args=[review.pk, member.pk]))
    page.wait_for_selector("#self-review-form")
    assert page.is_visible("#sr-pending") and not page.is_visible("#sr-outcome")
    for name, value in data.items():
        if name == last:
            continue
        if name.startswith("g:"):
            page.check(f'[name="{name}"][value="{value}"]')
        else:
            page.fill(f'[name="{name}"]', value)
    page.wait_for_selector("#autosave-status:has-text('Đã tự động lưu')")
    page.wait_for_selector("#sr-problems li:has-text('chưa chấm điểm')")

    page.fill(f'[name="{last}"]', str(item.max_points + 1))
    page.wait_for_selector(f'[name="{last}"].is-invalid')
    message = page.text_content(f'[name="{last}"] + .invalid-feedback')
    assert f"điểm phải từ 0 đến {item.max_points}" in message and f"đã nhập {item.max_points + 1}" in message
    assert "điểm phải từ 0 đến" in page.text_content("#autosave-status")
    assert "text-danger" in page.get_attribute("#autosave-status", "class")
    assert SelfReview.objects.get().content.get("scores", {}).get(item.code, "") == ""
    assert page.get_attribute(f'[name="{last}"]', "aria-invalid") == "true"

    page.fill(f'[name="{last}"]', data[last])
    page.wait_for_selector("#sr-outcome:not([hidden])")
    assert page.text_content("#sr-max-level").strip() == "Hoàn thành tốt nhiệm vụ"
    assert not page.is_visible("#sr-pending")
    assert page.query_selector(f'[name="{last}"].is-invalid') is None
    assert page.query_selector(".invalid-feedback") is None
    assert "Đã tự động lưu" in page.text_content("#autosave-status")
