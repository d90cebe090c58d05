"""The real path: a job queued on commit is executed by a real Celery worker process over Redis, and its
effect is visible in PostgreSQL. Skips on a laptop without the services; fails under CI (REQUIRE_SERVICES=1)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from conftest import skip_or_fail
from reports.models import JobStatus, ReportJob

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def worker(tmp_path, settings):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if connection.vendor != "postgresql":
        skip_or_fail("the real-worker test needs PostgreSQL (set DATABASE_URL)")
    if not broker or not redis_answers(broker):
        skip_or_fail("the real-worker test needs Redis (set CELERY_BROKER_URL)")
    from config.celery import app

    app.conf.task_always_eager = False
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
            "--pool=solo",
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
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


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
