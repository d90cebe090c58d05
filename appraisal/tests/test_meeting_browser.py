"""The fast-entry page in a real browser (Debian's Chromium): a 19-member meeting entered from the keyboard
alone — Tab along each row, Enter saves — on a 375 px wide phone screen."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from appraisal.models import Rating
from appraisal.tests import factories as f
from tests.test_browser import browser_page, login  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXCELLENT = 4
# Ten minutes at one keystroke a second: the whole meeting must take fewer keys than that.
KEY_BUDGET = 600


def test_a_19_member_meeting_is_entered_from_the_keyboard_alone(personas, live_server, browser_page):  # noqa: F811
    f.add_members(personas.cell_a1, 16)  # 19 members, as in the 2021 article
    cycle = f.cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)
    review = f.review_of(cycle, personas.cell_a1)
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_server.url, "sec_a1")
    page.wait_for_url(live_server.url + reverse("home"))
    page.goto(live_server.url + reverse("appraisal:meeting", args=[cycle.pk, personas.cell_a1.pk]))
    # Fits the phone: only the tables scroll sideways, inside their .table-responsive boxes.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    keys = 0

    def press(key: str, times: int = 1) -> None:
        nonlocal keys
        for _ in range(times):
            page.keyboard.press(key)
            keys += 1

    def type_(text: str) -> None:
        nonlocal keys
        page.keyboard.type(text)
        keys += len(text)

    started = time.perf_counter()
    page.focus("#id_held_on")  # the cursor starts in the first field
    type_("16/11/2021")
    # The first member's row starts with the "present" box (ticked): Tab along to the tallies.
    first = personas.member_record_a1
    rows = page.locator("table.meeting-table").first.locator("tbody tr")
    assert rows.count() == 19
    page.focus(f"#id_a{first.pk}-present")
    for index in range(19):
        press("Tab")  # the absence reason
        press("Tab")  # HTXSNV
        excellent = index < EXCELLENT
        type_("19" if excellent else "")
        press("Tab")  # HTTNV
        type_("" if excellent else "19")
        press("Tab", 3)  # HTNV, KHTNV, the proposal
        press("ArrowDown", 1 if excellent else 2)  # — → HTXSNV → HTTNV
        press("Tab", 4)  # comments, shortcomings, ground, and on to the next row
    # The cell's own row follows: 19 votes for excellent.
    type_("19")
    press("Tab", 4)
    press("ArrowDown")
    press("Enter")  # saves
    page.wait_for_selector("text=Đã lưu kết quả hội nghị kiểm điểm.")
    elapsed = time.perf_counter() - started
    assert keys < KEY_BUDGET, keys
    assert elapsed < 600

    members = Rating.objects.filter(unit_review=review, subject="member")
    assert members.filter(proposed_level="htxsnv").count() == EXCELLENT
    assert members.filter(proposed_level="httnv").count() == 19 - EXCELLENT
    assert Rating.objects.get(unit_review=review, subject="organisation").proposed_level == "htxsnv"
    assert page.inner_text("#summary-line") == (
        "Đối với chi bộ đề nghị xếp loại hoàn thành xuất sắc nhiệm vụ; đối với đảng viên 04/19 đồng chí đề nghị "
        "xếp loại hoàn thành xuất sắc nhiệm vụ và 15/19 đồng chí xếp loại hoàn thành tốt nhiệm vụ"
    )


def test_enter_in_a_tally_saves_without_javascript_and_errors_keep_the_input(personas, live_server, browser_page):  # noqa: F811
    cycle = f.cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)
    page = browser_page
    page.context.set_extra_http_headers({})
    login(page, live_server.url, "sec_a1")
    page.wait_for_url(live_server.url + reverse("home"))
    page.route("**/js/meeting.js", lambda route: route.abort())  # the page must save without its script
    page.goto(live_server.url + reverse("appraisal:meeting", args=[cycle.pk, personas.cell_a1.pk]))
    page.fill("#id_held_on", "16/11/2021")
    member = personas.member_record_a1
    page.fill(f"#id_m{member.pk}-votes-httnv", "9")
    page.press(f"#id_m{member.pk}-votes-httnv", "Enter")
    page.wait_for_selector("#meeting-errors")
    assert "Nguyễn Văn An – Kết quả biểu quyết: Tổng số phiếu (9) nhiều hơn số đảng viên có mặt (3)." in (
        page.inner_text("#meeting-errors")
    )
    assert page.input_value(f"#id_m{member.pk}-votes-httnv") == "9"
    page.fill(f"#id_m{member.pk}-votes-httnv", "3")
    page.press(f"#id_m{member.pk}-votes-httnv", "Enter")
    page.wait_for_selector("text=Đã lưu kết quả hội nghị kiểm điểm.")
    assert Rating.objects.get(member=member).votes == {"httnv": 3}
