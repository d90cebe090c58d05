"""Fixtures shared by every app's tests."""

from __future__ import annotations

import contextlib
import os

import pytest

# Under CI (REQUIRE_SERVICES=1) a test that needs PostgreSQL, Redis, a worker or Chromium must fail, not skip.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1: a missing service is a failure)")
    pytest.skip(reason)


@pytest.fixture
def postgresql(db):
    """For a test that needs PostgreSQL itself (a trigger, a collation): skips on SQLite, fails under CI."""
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (run with DATABASE_URL=postgres://…)")


@pytest.fixture
def personas(db):
    from party_units.tests.personas import build

    return build()


@pytest.fixture
def client_for(client):
    """client_for(user) logs the test client in as that user (None: anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


def _configured_celery():
    """The project's Celery app with its configuration read (it is lazy: until a key is read, ``app.conf`` is a
    placeholder whose ``changes`` is not the real one)."""
    from config.celery import app

    app.conf.task_always_eager  # noqa: B018 - reading a key loads the configuration
    return app


@contextlib.contextmanager
def celery_conf(**values):
    """Change the Celery app's configuration for a block (plain names: ``task_always_eager=False``), then put
    ``app.conf.changes`` back exactly as it was.

    Writing the old values back is not enough: Celery looks a key up in ``changes`` under its ``CELERY_`` name
    before its plain name, so a ``CELERY_TASK_ALWAYS_EAGER`` left there shadows every later
    ``app.conf.task_always_eager = …`` for the rest of the run (tests/test_broker_faults.py did this: every
    transactional test after it queued its tasks to Redis instead of running them)."""
    app = _configured_celery()
    saved = dict(app.conf.changes)
    try:
        app.conf.update(values)
        yield app
    finally:
        app.conf.changes.clear()
        app.conf.changes.update(saved)


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def running_worker(tmp_path, settings, *options, name: str = "test"):
    """A real Celery worker process (``--pool=solo`` unless ``options`` say otherwise) on the test database and
    media folder, over the broker of CELERY_BROKER_URL, until the block ends; skips without PostgreSQL and Redis
    (fails under CI). Its log is ``tmp_path / "worker.log"``."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.db import connection

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
        log_path = tmp_path / "worker.log"
        with log_path.open("w") as log:
            proc = subprocess.Popen(  # noqa: S603 - fixed argv
                [sys.executable, "-m", "celery", "-A", "config", "worker", *(options or ("--pool=solo",))]
                + ["--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
                + ["-n", f"{name}-{os.getpid()}@%h"],
                cwd=Path(__file__).resolve().parent,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + 60
                while not app.control.ping(timeout=1.0):
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail("the Celery worker did not start:\n" + log_path.read_text())
                yield proc
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()


@pytest.fixture(autouse=True)
def celery_eager(request):
    """Tasks run in-process in tests, except in the tests that exercise the real worker (marked `services`).

    A test that leaves the Celery configuration changed is an error of that test (named here), not a mystery in a
    later one: the configuration is put back and the difference reported."""
    app = _configured_celery()
    before = dict(app.conf.changes)
    expected = dict(before)
    if not request.node.get_closest_marker("services"):
        app.conf.task_always_eager = True
        expected = dict(app.conf.changes)
        if app.conf.task_always_eager is not True:  # a CELERY_-prefixed key in `changes` shadows the plain one
            app.conf.changes.clear()
            app.conf.changes.update(before)
            pytest.fail(f"task_always_eager cannot be set: the Celery configuration holds {before!r}")
    yield
    after = dict(app.conf.changes)
    app.conf.changes.clear()
    app.conf.changes.update(before)
    leaked = sorted(key for key in after.keys() | expected.keys() if after.get(key) != expected.get(key))
    if leaked:
        pytest.fail(f"this test left the Celery configuration changed ({', '.join(leaked)}): use conftest.celery_conf")


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    """Generated files go to a temporary folder, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
