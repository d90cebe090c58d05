"""Fixtures shared by every app's tests."""

from __future__ import annotations

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


@pytest.fixture(autouse=True)
def celery_eager(request):
    """Tasks run in-process in tests, except in the tests that exercise the real worker (marked `services`)."""
    from config.celery import app

    if request.node.get_closest_marker("services"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    """Generated files go to a temporary folder, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
