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
