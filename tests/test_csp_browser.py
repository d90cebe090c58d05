"""The pages run under the strict Content-Security-Policy in a real browser: every demo login visits every page it
can reach by following links (one page per view), and Chromium reports no violation of the policy, neither as a
securitypolicyviolation event nor on the console. A control proves the browser does enforce the policy here."""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse

from conftest import skip_or_fail
from party_units.tests.personas import PASSWORD
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Signing out ends the crawl; files are not pages.
SKIP_PREFIXES = ("/dang-xuat/", "/static/", "/media/")
SKIP_ENDINGS = (".xlsx", ".pdf", ".docx", ".csv", "/tai-ve/")
PAGES_PER_VIEW = 1
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


def crawl(page, base: str, start: str) -> tuple[int, list[str]]:
    """Every same-site page reachable from ``start``: how many were loaded, the violations found on them."""
    found: list[str] = []
    seen: set[str] = set()
    per_view: dict[str, int] = {}
    queue = deque([start])
    loaded = 0
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            view = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if per_view.get(view, 0) >= PAGES_PER_VIEW:
            continue
        per_view[view] = per_view.get(view, 0) + 1
        response = page.goto(base + url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        assert "content-security-policy" in response.headers, url
        page.wait_for_load_state("load")
        loaded += 1
        found += [f"{url}: {v}" for v in page.evaluate("window.__csp")]
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            href = urldefrag(href)[0]
            if href.startswith(base):
                href = href[len(base) :]
            if href.startswith("/") and not href.startswith(SKIP_PREFIXES) and not href.endswith(SKIP_ENDINGS):
                queue.append(href)
    return loaded, found


def test_every_page_runs_under_the_policy_without_a_violation(live_server):
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    violations: list[str] = []
    console: list[str] = []
    pages = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for username in ["admin", "quanuy", "danguy", "bithu", "dangvien"]:
                context = browser.new_context(locale="vi-VN")
                context.add_init_script(LISTEN)
                page = context.new_page()
                page.set_default_timeout(15_000)
                page.on(
                    "console",
                    lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
                )
                page.goto(live_server.url + reverse("login"))
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", PASSWORD)
                with page.expect_navigation():
                    page.click("button[type=submit]")
                assert "/dang-nhap/" not in page.url, f"{username} could not sign in"
                loaded, found = crawl(page, live_server.url, reverse("home"))
                pages += loaded
                violations += [f"{username} {v}" for v in found]
                context.close()

            # The control: on one of these pages an injected inline script and inline style are refused.
            context = browser.new_context(locale="vi-VN")
            context.add_init_script(LISTEN)
            page = context.new_page()
            page.goto(live_server.url + reverse("login"))
            page.evaluate(
                """() => {
                  const s = document.createElement('script');
                  s.textContent = 'window.__ran = true';
                  document.body.append(s);
                  document.body.setAttribute('style', 'background: red');
                }"""
            )
            page.wait_for_function("window.__csp.length >= 2")
            assert page.evaluate("window.__ran") is None
            assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
            control = page.evaluate("window.__csp")
            context.close()
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    assert pages > 30, pages  # the crawl did reach the application's pages
    assert any(v.startswith("script-src") for v in control), control
    assert any(v.startswith("style-src") for v in control), control
    assert not violations, "\n".join(violations)
    assert not console, "\n".join(console)
