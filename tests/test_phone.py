"""Every page fits a 375 px phone: each persona logs in through the form and visits every page it can reach by
following links (Debian's Chromium at 375×812); no page may be wider than the screen. Wide tables scroll
inside their own box (.table-responsive) or turn into cards."""

from __future__ import annotations

import datetime
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, browser_page, login  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 375, 812
# Not pages: files, the Django admin (not ours to lay out), signing out.
SKIP_PREFIXES = ("/quan-tri/", "/dang-xuat/", "/static/", "/media/")
SKIP_ENDINGS = (".xlsx", ".pdf", ".docx", ".csv", "/tai-ve/")
PAGES_PER_VIEW = 2  # the same view with other objects or filters adds time, not coverage
# The elements that stick out of the screen and are not inside a scrolling box: named in the failure message.
CULPRITS = """() => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const right = el.getBoundingClientRect().right;
    if (right <= innerWidth + 1) continue;
    // Inside a scrolling box it is clipped, unless it is absolutely placed against something outside the box.
    const absolute = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
    let parent = el.parentElement, clipped = false;
    while (parent && parent !== document.body) {
      const style = getComputedStyle(parent);
      const scrolls = ['auto', 'hidden', 'scroll', 'clip'].includes(style.overflowX);
      if (scrolls && (!absolute || style.position !== 'static')) {
        clipped = true;
        break;
      }
      parent = parent.parentElement;
    }
    if (!clipped) {
      const named = typeof el.className === 'string' && el.className.trim();
      const cls = named ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls + ' → ' + Math.round(right));
    }
  }
  return out.slice(-3);
}"""


def build_data(personas):
    """Something on every page: documents, an open cycle with its work items, a closed one, a report job,
    statuses, a transfer; long names to test wrapping."""
    from appraisal.services import cycle_close
    from appraisal.tests.factories import central, cycle, document
    from members.models import MemberStatus, StatusKind
    from party_units.tests.personas import make_member
    from reports.models import ReportJob

    hd = central(code="43-HD/BTCTW", issued_on=datetime.date(2025, 11, 1))
    local = document(personas.ward_a, code="163-CV/ĐU", issued_on=datetime.date(2025, 11, 10), implements=hd)
    cycle(
        personas.ward_a,
        year=2025,
        rule_set="hd43-2025",
        opened=True,
        guidance_documents=[hd, local],
        self_review_due=datetime.date(2025, 11, 30),
        meetings_due=datetime.date(2025, 12, 10),
    )
    closed = cycle(personas.ward_b, year=2024, rule_set="hd25-2023", opened=True)
    cycle_close(actor=None, cycle=closed)
    MemberStatus.objects.create(
        member=personas.member_record_a1, kind=StatusKind.SICK_LEAVE, start_date=datetime.date(2025, 2, 1)
    )
    make_member("Tôn Nữ Thị Hoàng Phương Thảo Nguyên", personas.cell_a1, government_post="Phó Chủ tịch UBND phường")
    job = ReportJob.objects.create(kind="unit_tree_xlsx", unit=personas.ward_a, requested_by=personas.staff_a)
    # Pages reached only after a form is sent: visited directly (a persona who may not see them gets 404).
    return [reverse("reports:job", args=[job.pk])]


def crawl(page, base: str, starts: list[str]) -> dict[str, tuple[int, list[str]]]:
    """Visit every same-site page reachable from ``starts``; return the too-wide ones: width, what sticks out."""
    too_wide: dict[str, tuple[int, list[str]]] = {}
    seen_urls: set[str] = set()
    per_view: dict[str, int] = {}
    queue = deque(starts)
    while queue:
        url = queue.popleft()
        if url in seen_urls:
            continue
        seen_urls.add(url)
        try:
            view = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if per_view.get(view, 0) >= PAGES_PER_VIEW:
            continue
        per_view[view] = per_view.get(view, 0) + 1
        response = page.goto(base + url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            too_wide[url] = (width, page.evaluate(CULPRITS))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            href = urldefrag(href)[0]
            if href.startswith(base):
                href = href[len(base) :]
            if not href.startswith("/") or href.startswith(SKIP_PREFIXES) or href.endswith(SKIP_ENDINGS):
                continue
            queue.append(href)
    return too_wide


def test_every_page_fits_a_375_px_phone_for_every_persona(personas, live_server):
    from pathlib import Path

    from conftest import skip_or_fail

    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    import os

    from playwright.sync_api import sync_playwright

    direct = build_data(personas)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    too_wide: dict[str, dict] = {}
    visited = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            # Signed out: the sign-in page.
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="vi-VN")
            page = context.new_page()
            page.goto(live_server.url + reverse("login"))
            if page.evaluate("document.documentElement.scrollWidth") > WIDTH:
                too_wide["(signed out)"] = {reverse("login"): page.evaluate("document.documentElement.scrollWidth")}
            context.close()
            for name, user in personas.all_users().items():
                context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="vi-VN")
                page = context.new_page()
                page.set_default_timeout(15_000)
                login(page, live_server.url, user.username)
                page.wait_for_load_state()
                assert "/dang-nhap/" not in page.url, f"{name} could not sign in"
                found = crawl(page, live_server.url, [reverse("home"), *direct])
                visited += 1
                if found:
                    too_wide[name] = found
                context.close()
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    assert visited == len(personas.all_users())
    assert not too_wide, f"pages wider than {WIDTH} px (persona → url → width): {too_wide}"


def test_a_members_status_is_on_screen_in_the_roster_on_a_phone(personas, live_server, browser_page):  # noqa: F811
    build_data(personas)
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    login(page, live_server.url, "sec_a1")
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("members:roster", args=[personas.cell_a1.pk]))
    badge = page.locator("tr", has_text="Nguyễn Văn An").locator(".badge:visible", has_text="Nghỉ ốm")
    assert badge.count() == 1
    box = badge.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
