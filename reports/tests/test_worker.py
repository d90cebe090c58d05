"""The real path: a job queued on commit is executed by a real Celery worker process over Redis, and its
effect is visible in PostgreSQL. Skips on a laptop without the services; fails under CI (REQUIRE_SERVICES=1)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from conftest import celery_conf, skip_or_fail
from reports.models import JobStatus, ReportJob

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def running_worker(tmp_path, settings, *options):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if connection.vendor != "postgresql":
        skip_or_fail("the real-worker test needs PostgreSQL (set DATABASE_URL)")
    if not broker or not redis_answers(broker):
        skip_or_fail("the real-worker test needs Redis (set CELERY_BROKER_URL)")
    # celery_conf puts the Celery configuration back exactly as it was, whatever the test did.
    with celery_conf(task_always_eager=False) as app:
        app.control.purge()
        db = connection.settings_dict
        env = {
            **os.environ,
            # The worker must use the test database that pytest-django created, and the same media folder.
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "SECRET_KEY": "worker-test",
            "DEBUG": "0",
        }
        log = (tmp_path / "worker.log").open("w")
        proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                *(options or ("--pool=solo",)),
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(timeout=1.0):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the Celery worker did not start:\n" + (tmp_path / "worker.log").read_text())
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


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
