"""Redis (the task queue) down when a user asks for a document or sends a reminder, on a redis-server of the test's
own (another port: the shared one on 6379 is never stopped).

- A document: the request is kept as a queued job, its page says so in Vietnamese; when the broker is back the job
  is sent again, by a worker that starts or by the job's page, and runs once.
- A reminder: the notices are written and the e-mails sent in the request; nothing is lost.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from appraisal.tests.test_self_review_reminders import cell  # noqa: F401 - a fixture
from conftest import celery_conf, skip_or_fail
from reports.models import JobStatus, ReportJob

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[1]


class OwnRedis:
    """A redis-server on a free port, stopped and started again by the test."""

    def __init__(self, folder: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder = folder
        self.proc: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        argv = [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        for _ in range(100):
            if self.answers():
                return
            time.sleep(0.1)
        pytest.fail("the test's redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None
        assert not self.answers()


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        skip_or_fail("redis-server is not installed (apt-get install redis-server)")
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def reset_pools(app) -> None:
    """Forget the connections to the previous broker (kombu keeps them in process-wide pools)."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(own_redis, monkeypatch):
    """The Celery app sends to the test's own redis-server, not eagerly."""
    # Celery reads the CELERY_BROKER_URL environment variable before its settings (CI sets it): both are set.
    # celery_conf puts the configuration back exactly; writing the old values back under the CELERY_ names
    # instead left CELERY_TASK_ALWAYS_EAGER=False in `app.conf.changes`, where it shadowed the plain name that
    # conftest's celery_eager sets: every later test's tasks went to Redis instead of running in-process.
    monkeypatch.setenv("CELERY_BROKER_URL", own_redis.url)
    with celery_conf(broker_url=own_redis.url, task_always_eager=False) as app:
        reset_pools(app)
        with app.connection_for_write() as conn:
            assert conn.as_uri().endswith(f":{own_redis.port}/0")
        assert app.conf.task_always_eager is False
        yield own_redis
    reset_pools(app)


def test_a_reminder_sent_while_the_queue_is_down_is_written_and_mailed_in_the_request(
    cell,  # noqa: F811
    personas,
    client,
    broker,
    django_capture_on_commit_callbacks,
):
    ur, _people = cell
    broker.stop()
    client.force_login(personas.sec_a1)
    url = reverse("appraisal:cell_self_reviews", args=[ur.cycle_id, ur.unit_id])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        answer = client.post(url, follow=True)
    assert len(queued) == 1  # the e-mails' task, which could not be queued
    assert answer.status_code == 200
    assert "Đã nhắc 3 đảng viên chưa nộp." in answer.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["drafting@example.vn", "missing@example.vn", "returned@example.vn"]
    from appraisal.models import Notification

    assert Notification.objects.filter(kind="self_review.reminder", emailed_at__isnull=False).count() == 3


def start_worker(broker_url: str, log: Path, settings) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": "fault-worker",
        "DEBUG": "0",
    }
    return subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"faults-{os.getpid()}@%h"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_for(job: ReportJob, status: str, log: Path) -> ReportJob:
    for _ in range(600):
        job.refresh_from_db()
        if job.status == status:
            return job
        time.sleep(0.1)
    pytest.fail(f"job {job.pk} is {job.status}, not {status}:\n{log.read_text()}")


@pytest.mark.django_db(transaction=True)
def test_a_document_asked_for_while_the_queue_is_down_is_kept_and_runs_once_when_it_returns(
    postgresql, personas, client, broker, settings, tmp_path
):
    client.force_login(personas.sec_a1)
    ask = reverse("reports:job_create", args=[personas.cell_a1.pk, "unit_tree_xlsx"])
    broker.stop()

    answer = client.post(ask, follow=True)
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Hàng đợi tạo văn bản tạm thời không hoạt động. Yêu cầu đã được lưu" in text
    first = ReportJob.objects.get()
    assert (first.status, first.sent) == (JobStatus.QUEUED, False)
    # Its page, polled while the queue is still down, keeps it.
    state = client.get(reverse("reports:job", args=[first.pk]), HTTP_ACCEPT="application/json").json()
    assert state["kept"] is True and state["status"] == "queued"

    # The broker returns; a worker starts and sends the kept job: it runs once.
    broker.start()
    log = tmp_path / "worker.log"
    worker = start_worker(broker.url, log, settings)
    try:
        first = wait_for(first, JobStatus.DONE, log)
        assert first.sent and first.attempts == 1
        assert first.file and Path(first.file.path).exists()

        # Down again: a second request is kept; back with the worker running, its page sends it.
        broker.stop()
        client.post(ask)
        second = ReportJob.objects.exclude(pk=first.pk).get()
        assert (second.status, second.sent) == (JobStatus.QUEUED, False)
        broker.start()
        state = client.get(reverse("reports:job", args=[second.pk]), HTTP_ACCEPT="application/json").json()
        assert state["kept"] is False
        second = wait_for(second, JobStatus.DONE, log)
        assert second.attempts == 1
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert ReportJob.objects.count() == 2
