"""PostgreSQL faults on the real server (never restarted: its connections are terminated instead).

- The connection a server process keeps (CONN_MAX_AGE) is dropped between two requests (pg_terminate_backend):
  the next request is served, because the kept connection is checked first (CONN_HEALTH_CHECKS). Run in gunicorn,
  where the request boundaries are the real ones.
- The connection is dropped in the middle of a committee's decision: nothing of it is saved, the user gets the
  Vietnamese page saying so (503), and sent again once the database answers, it is saved whole.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from appraisal.models import Rating, UnitReview, UnitReviewState
from audit.models import AuditEntry
from conftest import skip_or_fail

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[1]
APP_NAME = "kd_fault_web"


def conninfo(name: str | None = None) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name or db['NAME']}"


def terminate(where: str, *params) -> int:
    """Terminate the server's backends that match ``where`` (on pg_stat_activity); returns how many."""
    with psycopg.connect(conninfo("postgres"), autocommit=True) as admin:
        rows = admin.execute(
            f"select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and {where}",  # noqa: S608
            params,
        ).fetchall()
    return sum(1 for (done,) in rows if done)


@pytest.fixture
def gunicorn(postgresql, tmp_path, settings):
    """The application in gunicorn (one sync worker), on the test database, keeping its connection."""
    binary = Path(sys.executable).with_name("gunicorn")
    if not binary.exists():
        skip_or_fail("gunicorn is not installed in the virtualenv (requirements.txt)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": conninfo() + f"?application_name={APP_NAME}",
        "CONN_MAX_AGE": "600",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions made here are signed with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CELERY_BROKER_URL": "",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    # Production shape: the hashed static files come from collectstatic's manifest.
    collected = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, capture_output=True
    )
    assert collected.returncode == 0, collected.stderr
    log = tmp_path / "gunicorn.log"
    proc = subprocess.Popen(  # noqa: S603 - fixed argv
        [str(binary), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded 2-core CI machine starts it slowly
        while True:
            try:
                urllib.request.urlopen(base + reverse("login"), timeout=10)  # noqa: S310 - a local http URL
                break
            except OSError:  # refused, reset or timed out while it starts
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start:\n" + log.read_text())
                time.sleep(0.2)
        yield base, log
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def signed_in_cookie(user) -> str:
    """A session for ``user`` stored in the database, as the login view would make it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the password check (AccountBackend)
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def get(base: str, path: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310 - a local http URL
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_connection_dropped_between_two_requests_is_replaced_on_the_next(personas, gunicorn):
    base, log = gunicorn
    cookie = signed_in_cookie(personas.sec_a1)
    roster = reverse("members:roster", args=[personas.cell_a1.pk])
    status, text = get(base, roster, cookie)
    assert status == 200, log.read_text()
    assert "Nguyễn Văn An" in text
    # The worker kept its connection; PostgreSQL drops it (as on a restart or a network cut).
    assert terminate("application_name = %s", APP_NAME) >= 1
    status, text = get(base, roster, cookie)
    assert status == 200, text + log.read_text()
    assert "Nguyễn Văn An" in text
    # Dropped twice in a row, still served.
    assert terminate("application_name = %s", APP_NAME) >= 1
    assert get(base, reverse("home"), cookie)[0] == 200


def test_a_decision_cut_off_by_the_database_is_not_saved_at_all_and_then_saved_whole(personas, client):
    from appraisal.tests.factories import cycle as make_cycle
    from appraisal.tests.factories import propose

    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    if not shutil.which("psql") and not psycopg:
        skip_or_fail("psycopg is needed")
    cycle = make_cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)
    review = propose(UnitReview.objects.get(root=cycle, unit=personas.cell_a1), levels=["httnv"] * 5)
    url = reverse("appraisal:decision", args=[review.pk])
    client.force_login(personas.staff_a)
    client.raise_request_exception = False
    entries = AuditEntry.objects.count()
    connection.ensure_connection()
    own_pid = connection.connection.info.backend_pid
    seen = []

    def cut_off(execute, sql, params, many, context):
        # The ratings are being written: at the first audit entry, PostgreSQL drops this very connection.
        if 'INSERT INTO "audit_auditentry"' in sql and not seen:
            seen.append(sql)
            assert terminate("pid = %s", own_pid) == 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_off):
        answer = client.post(url, {"action": "approve", "revision": review.revision})
    assert seen, "the decision wrote no audit entry: the fault was not injected"
    assert answer.status_code == 503
    text = answer.content.decode()
    assert "Thao tác vừa gửi CHƯA được lưu" in text and "Traceback" not in text

    close_old_connections()  # the request boundary: the broken connection is let go
    review.refresh_from_db()
    assert review.state == UnitReviewState.SUBMITTED
    assert not Rating.objects.filter(unit_review=review).exclude(decided_level="").exists()
    assert AuditEntry.objects.count() == entries

    answer = client.post(url, {"action": "approve", "revision": review.revision})
    assert answer.status_code == 302
    review.refresh_from_db()
    assert review.state == UnitReviewState.APPROVED
    ratings = Rating.objects.filter(unit_review=review)
    assert ratings.exists() and not ratings.filter(decided_level="").exists()
    assert AuditEntry.objects.count() > entries
