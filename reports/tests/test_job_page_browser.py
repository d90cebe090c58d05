"""The job page in a real browser with a real worker: the secretary asks for the minutes, the page shows the
job's state and follows it without a reload, then offers the download (Chromium + PostgreSQL + Redis; skips
without them, fails under REQUIRE_SERVICES=1)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import running_worker
from tests.journey_kit import chromium  # noqa: F401 - the fixture
from tests.test_browser import login

from .factories import hold_meeting, opened_cycle

# reports.tests.gate_kind.GATE: the module is loaded by the worker only (--include); importing it here would gate
# the minutes of every test run after this one in the same process.
GATE = "open-the-gate"
pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_job_page_follows_the_job_then_offers_the_download(
    personas,
    live_server,
    chromium,  # noqa: F811 - the fixture imported above
    tmp_path,
    settings,
):
    cycle = opened_cycle(personas.ward_a)
    review = cycle.unit_reviews.get(unit=personas.cell_a1)
    hold_meeting(review, [m.member for m in personas.cell_a1.memberships.order_by("member_id")])
    gate = Path(settings.MEDIA_ROOT) / GATE
    with running_worker(tmp_path, settings, "--pool=solo", "--include=reports.tests.gate_kind"):
        page = chromium.new_context(accept_downloads=True, locale="vi-VN").new_page()
        page.set_default_timeout(30_000)
        login(page, live_server.url, "sec_a1")
        page.wait_for_url(live_server.url + reverse("home"))
        page.goto(live_server.url + reverse("appraisal:meeting", args=[cycle.pk, personas.cell_a1.pk]))
        page.get_by_role("button", name="Biên bản hội nghị (PDF)").click()
        page.wait_for_url(re.compile(r".*/bao-cao/\d+/$"))
        label = page.locator("[data-job-label]")
        download = page.locator("[data-job-download]")
        assert label.inner_text() in ("Đang chờ", "Đang tạo")
        assert not download.is_visible()
        page.evaluate("window.sameDocument = true")  # lost if the page were loaded again
        # The worker takes the job and waits at the gate: the page shows it running, by itself.
        expect(label).to_have_text("Đang tạo", timeout=60_000)
        assert not download.is_visible()
        gate.parent.mkdir(parents=True, exist_ok=True)
        gate.write_text("open")
        download.wait_for(state="visible", timeout=60_000)
        assert label.inner_text() == "Hoàn thành"
        assert page.evaluate("window.sameDocument") is True
        assert page.locator("[data-job-spinner]").is_hidden()
        with page.expect_download() as info:
            download.click()
        assert info.value.suggested_filename == "bien-ban-chi-bo-a1.pdf"
        assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"
