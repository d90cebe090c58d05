"""The real path: a job queued on commit is executed by a real Celery worker process over Redis, and its
effect is visible in PostgreSQL. Skips on a laptop without the services; fails under CI (REQUIRE_SERVICES=1)."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from conftest import running_worker
from reports.models import JobStatus, ReportJob

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path, settings):
    with running_worker(tmp_path, settings) as proc:
        yield proc


def test_a_job_queued_on_commit_is_run_by_a_real_worker(personas, worker, tmp_path):
    from reports.services import job_start

    with transaction.atomic():
        job = job_start(actor=personas.staff_a, kind="unit_tree_xlsx", unit=personas.ward_a)
        # Until the transaction commits nothing is queued, so the worker cannot have seen the job.
        assert ReportJob.objects.get(pk=job.pk).status == JobStatus.QUEUED
    deadline = time.monotonic() + 60
    job.refresh_from_db()
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    log = (tmp_path / "worker.log").read_text()
    assert job.status == JobStatus.DONE, log
    assert "reports.run_report_job" in log and "succeeded" in log
    stored = Path(settings.MEDIA_ROOT) / job.file.name
    assert stored.exists() and stored.stat().st_size == job.size > 0


def test_a_worker_killed_mid_render_leaves_the_job_to_the_redelivered_task(personas, tmp_path, settings):
    """SIGKILL the process rendering a document: the message was not acknowledged (acks_late), the pool rejects
    it back to the queue (reject_on_worker_lost), and the redelivered task finishes the job — one document, one
    file, no orphan."""
    from reports.services import job_start
    from reports.tests import slow_kind
    from reports.tests.factories import hold_meeting, opened_cycle

    cycle = opened_cycle(personas.ward_a)
    review = cycle.unit_reviews.get(unit=personas.cell_a1)
    hold_meeting(review, [m.member for m in personas.cell_a1.memberships.order_by("member_id")])
    marker = Path(settings.MEDIA_ROOT) / slow_kind.MARKER
    options = ("--pool=prefork", "--concurrency=1", "--include=reports.tests.slow_kind")
    with running_worker(tmp_path, settings, *options):
        with transaction.atomic():
            job = job_start(
                actor=personas.sec_a1, kind="slow_minutes", unit=personas.cell_a1, params={"review": review.pk}
            )
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), (tmp_path / "worker.log").read_text()
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING and job.attempts == 1
        os.kill(int(marker.read_text().split()[0]), signal.SIGKILL)  # the pool process, mid-render
        deadline = time.monotonic() + 90
        while not job.is_finished and time.monotonic() < deadline:
            time.sleep(0.2)
            job.refresh_from_db()
    log = (tmp_path / "worker.log").read_text()
    assert job.status == JobStatus.DONE, log
    pids = marker.read_text().split()
    assert len(pids) == 2 and pids[0] != pids[1]  # rendered again by a new process
    assert job.attempts == 2
    stored = [p for p in (Path(settings.MEDIA_ROOT) / "reports").rglob("*") if p.is_file()]
    assert [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored] == [job.file.name]
    import hashlib

    assert hashlib.sha256(stored[0].read_bytes()).hexdigest() == job.checksum
