"""What every browser journey shares: Debian's Chromium with axe-core injected on every page visited, screenshots
of the key pages at desktop and phone width, the effort counted (page loads, clicks, keystrokes), and a real
Celery worker on PostgreSQL + Redis when they are there (CI: REQUIRE_SERVICES=1 makes them mandatory)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

from conftest import REQUIRE_SERVICES, redis_answers, running_worker, skip_or_fail
from party_units.tests.personas import PASSWORD
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
BLOCKING = {"serious", "critical"}
# Effort figures of every journey run in this process (printed at the end, copied to docs/performance.md).
EFFORT: dict[str, dict[str, int]] = {}


@pytest.fixture
def tasks(tmp_path, settings):
    """Report jobs run in a real Celery worker against the test database when PostgreSQL and Redis are there;
    otherwise (a laptop on SQLite) in-process. Under REQUIRE_SERVICES=1 the real worker is mandatory."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    real = connection.vendor == "postgresql" and broker and redis_answers(broker)
    if not real:
        if REQUIRE_SERVICES:
            pytest.fail("the journeys need PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL) under CI")
        yield "eager"
        return
    with running_worker(tmp_path, settings, name="journey"):
        yield "worker"


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """Where the screenshots go: SCREENSHOTS_DIR (``make screenshots`` → docs/screenshots) or a tmp folder."""
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def chromium(live_server):
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@dataclass
class Journey:
    """One user's session: every page load is checked by axe-core; clicks and keys are counted."""

    name: str
    page: object
    base: str
    folder: Path
    phone: bool = False
    loads: int = 0
    clicks: int = 0
    keys: int = 0
    checked: set = field(default_factory=set)
    violations: list = field(default_factory=list)

    def __post_init__(self):
        self.page.on("load", self._loaded)
        # No standing dialog handler: Playwright dismisses a confirmation nobody expects (so the form is not sent
        # and the journey stops there); an expected one is answered by ``confirm``.

    def _loaded(self, _page) -> None:
        self.loads += 1

    # -- what the user does --------------------------------------------------------------------------------
    def login(self, username: str) -> None:
        from django.urls import reverse

        self.page.goto(self.base + reverse("login"))
        self.check("login")
        self.click("input[name=username]")
        self.type(username)
        self.press("Tab")
        self.type(PASSWORD)
        with self.page.expect_navigation():
            self.press("Enter")
        self.check("login-home")

    def click(self, selector: str, **kw) -> None:
        self.clicks += 1
        self.page.click(selector, **kw)

    def follow(self, selector: str) -> None:
        """Click a link or button that loads a page, then check the new page."""
        with self.page.expect_navigation():
            self.click(selector)
        self.check(self.page.url)

    def confirm(self, selector: str, question: str, *, accept: bool = True) -> None:
        """Click a button that asks before an irreversible action: the browser's confirmation must appear and
        contain ``question``; the user answers OK (one more click; the form is sent and the next page checked)
        or Cancel (nothing is sent, the page stays)."""
        asked: list[str] = []

        def answer(dialog) -> None:
            asked.append(dialog.message)
            if accept:
                dialog.accept()
            else:
                dialog.dismiss()

        self.page.once("dialog", answer)
        url = self.page.url
        if accept:
            self.follow(selector)
        else:
            self.click(selector)
            self.page.wait_for_load_state("load")
        self.clicks += 1  # OK or Cancel in the confirmation
        assert asked, f"no confirmation was asked before {selector}"
        assert question in asked[0], f"the confirmation asked {asked[0]!r}, not {question!r}"
        if not accept:
            assert self.page.url == url, "the form was sent although the user cancelled"

    def fill(self, selector: str, text: str) -> None:
        """Click into a field and type (one click, one key per character)."""
        self.click(selector)
        self.page.fill(selector, "")
        self.type(text)

    def choose(self, selector: str, value: str) -> None:
        """Pick an option of a list (two clicks: open it, pick)."""
        self.clicks += 2
        self.page.select_option(selector, value)

    def type(self, text: str) -> None:
        self.keys += len(text)
        self.page.keyboard.type(text)

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.keys += 1
            self.page.keyboard.press(key)

    # -- what the test checks on every page ----------------------------------------------------------------
    def check(self, label: str) -> None:
        """axe-core finds no serious or critical violation; a member's or secretary's page fits the phone."""
        page = self.page
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the pages' Content-Security-Policy refuses an inline
            # <script>, which is what add_script_tag would insert.
            page.evaluate(AXE.read_text())
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))"
            ".slice(0, 5)}))"
        )
        self.checked.add(page.url.split("?")[0])
        for violation in result:
            if violation["impact"] in BLOCKING:
                self.violations.append((page.url, violation))
        if self.phone:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide on a phone"

    def snap(self, name: str) -> None:
        """The current page at desktop and phone width (the viewport, not the whole page: small files)."""
        page = self.page
        size = page.viewport_size
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=str(self.folder / f"{self.name}-{name}-{label}.png"), animations="disabled")
        page.set_viewport_size(size)

    def finish(self) -> None:
        EFFORT[self.name] = {"page loads": self.loads, "clicks": self.clicks, "keystrokes": self.keys}
        print(  # noqa: T201 - the figure the issue asks for, shown with pytest -s
            f"\n[journey] {self.name}: {self.loads} page loads, {self.clicks} clicks, {self.keys} keystrokes, "
            f"{len(self.checked)} pages checked by axe-core"
        )
        assert not self.violations, "axe-core: serious or critical violations:\n" + "\n".join(
            f"{url}: {v['impact']} {v['id']} – {v['help']} {v['nodes']}" for url, v in self.violations
        )


def journey(chromium, live_server, folder: Path, name: str, *, phone: bool = False) -> Journey:
    context = chromium.new_context(
        accept_downloads=True, locale="vi-VN", viewport=PHONE if phone else DESKTOP, timezone_id="Asia/Ho_Chi_Minh"
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    return Journey(name=name, page=page, base=live_server.url, folder=folder, phone=phone)
