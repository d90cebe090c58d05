"""End-to-end in a real browser: Debian's Chromium driven by Playwright (no browser download).

Skips when Chromium is not installed; under CI (REQUIRE_SERVICES=1) a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import skip_or_fail
from party_units.tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Chromium on a closed network: no background connections, no first-run, no sandbox as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(live_server):
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes are still
    # synchronous and ordered, so Django's async-safety guard can be relaxed for this test only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(accept_downloads=True, locale="vi-VN")
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_secretary_logs_in_sees_own_cell_and_downloads_the_tree(personas, live_server, browser_page):
    page = browser_page
    login(page, live_server.url, "sec_a1")
    page.wait_for_url(live_server.url + reverse("home"))
    assert "Chi bộ A1" in page.content()
    page.click("text=Chi bộ A1")
    page.wait_for_selector("h1:has-text('Chi bộ A1')")
    page.click("text=Xuất danh sách tổ chức đảng (Excel)")
    link = page.wait_for_selector("a:has-text('Tải về')")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    # Another cell of the same ward is not this secretary's: the page is refused.
    response = page.goto(live_server.url + reverse("party_units:detail", args=[personas.cell_a2.pk]))
    assert response.status == 404


def test_wrong_password_shows_a_vietnamese_message(personas, live_server, browser_page):
    page = browser_page
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "sec_a1")
    page.fill("input[name=password]", "sai-mat-khau")
    with page.expect_navigation():  # the answer is a new page: read it once it has loaded, not mid-navigation
        page.click("button[type=submit]")
    assert "mật khẩu chính xác" in page.content()
    assert page.url.endswith(reverse("login"))
