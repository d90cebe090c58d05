"""Scale-out on a real streaming replica (issue 13): a replica of the test database is started on this machine
(pg_basebackup into a temporary folder, PostgreSQL 15's pg_ctl on another port) and a summary page is shown to
be served from it — it still shows the old figures while the replica's replay is paused — while a browser that
has just written reads the primary. Skips without PostgreSQL; fails under REQUIRE_SERVICES=1.

The local cluster must accept replication connections from 127.0.0.1 (a ``host replication`` line in
pg_hba.conf) and run with ``wal_level`` replica or logical: the fixture adds the pg_hba line and reloads if it
is missing (.ci/run does the same, and sets wal_level)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import UnitReview
from appraisal.services import proposals_approve
from appraisal.tests.factories import cycle as make_cycle
from appraisal.tests.factories import propose
from conftest import skip_or_fail
from party_units.replica import PIN_COOKIE

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES"),
]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres OS user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def allow_replication() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW wal_level")
        if cursor.fetchone()[0] == "minimal":
            skip_or_fail("wal_level is minimal: ALTER SYSTEM SET wal_level = replica and restart (.ci/run does)")
        cursor.execute("SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database)")
        if cursor.fetchone()[0]:
            return
        cursor.execute("SHOW hba_file")
        hba = Path(cursor.fetchone()[0])
        try:
            with hba.open("a") as f:
                f.write("\n# added by tests/test_replica.py: the test replica streams from the local cluster\n")
                f.write("host replication all 127.0.0.1/32 trust\n")
        except OSError as error:
            skip_or_fail(f"pg_hba.conf has no replication entry and cannot be changed here ({error})")
        cursor.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)


@pytest.fixture
def replica(settings):
    if connection.vendor != "postgresql":
        skip_or_fail("the replica test needs PostgreSQL (set DATABASE_URL)")
    if not (PG_BIN / "pg_ctl").exists():
        skip_or_fail(f"PostgreSQL 15's programs are not in {PG_BIN}")
    allow_replication()
    primary = connection.settings_dict
    datadir = Path(tempfile.mkdtemp(prefix="kd-replica-"))
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres", "postgres")
    datadir.chmod(0o700)
    port = free_port()
    try:
        subprocess.run(  # noqa: S603 - fixed argv
            as_postgres(
                [
                    str(PG_BIN / "pg_basebackup"),
                    "-h",
                    primary["HOST"] or "127.0.0.1",
                    "-p",
                    str(primary["PORT"] or 5432),
                ]
                + ["-U", primary["USER"] or "postgres", "-D", str(datadir), "-R", "-X", "stream", "-c", "fast"]
            ),
            check=True,
            capture_output=True,
            timeout=600,
        )
        conf = f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{datadir}'\n"
        # A standby needs max_connections and the like at least the primary's: keep the defaults.
        conf += "hot_standby = on\nfsync = off\n"
        (datadir / "postgresql.conf").write_text(conf)
        (datadir / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        for name in ("postgresql.conf", "pg_hba.conf"):
            if os.geteuid() == 0:
                shutil.chown(datadir / name, "postgres", "postgres")
        subprocess.run(  # noqa: S603
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(datadir), "-l", str(datadir / "log"), "-w", "-t", "120"])
            + ["start"],
            check=True,
            capture_output=True,
            timeout=180,
        )
    except subprocess.CalledProcessError as error:
        log = (datadir / "log").read_text(errors="replace") if (datadir / "log").exists() else ""
        shutil.rmtree(datadir, ignore_errors=True)
        pytest.fail(f"could not start the replica: {error.stderr.decode(errors='replace')}\n{log}")
    config = {**primary, "HOST": "127.0.0.1", "PORT": str(port), "CONN_MAX_AGE": 0}
    settings.DATABASES = {**settings.DATABASES, "replica": config}  # what DATABASE_REPLICA_URL sets
    # The connection is made here rather than from settings (Django's test case forbids the aliases it did not
    # set up; this one is the test's own subject).
    standby = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias="replica")
    connections["replica"] = standby
    try:
        yield standby
    finally:
        standby.close()
        del connections["replica"]
        subprocess.run(  # noqa: S603
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(datadir, ignore_errors=True)


def caught_up(replica_connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    for _ in range(300):
        with replica_connection.cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    pytest.fail("the replica did not catch up within 30 s")


def test_a_summary_is_read_from_the_replica_and_a_browser_that_wrote_reads_the_primary(personas, replica, client_for):
    cycle = make_cycle(personas.ward_a, year=2025, rule_set="hd43-2025", opened=True)
    review = propose(UnitReview.objects.get(root=cycle, unit=personas.cell_a1), levels=["httnv"] * 3 + ["htnv"])
    url = reverse("appraisal:level_summary", args=[cycle.pk, personas.ward_a.pk])
    caught_up(replica)
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True  # a real standby, read-only
        cursor.execute("SELECT pg_wal_replay_pause()")

    proposals_approve(actor=personas.staff_a, review=review)  # committed on the primary only, for now

    browser = client_for(personas.staff_a)
    with CaptureQueriesContext(replica) as on_replica:
        page = browser.get(url)
    assert page.status_code == 200 and len(on_replica) >= 2
    assert "0 đảng viên đã có quyết định xếp loại" in page.content.decode()  # the replica's (paused) view

    # A browser that has just written reads the primary: the POST pins it, the next page shows the change.
    assert browser.post(url).cookies[PIN_COOKIE].value == "1"
    with CaptureQueriesContext(replica) as on_replica:
        page = browser.get(url)
    assert len(on_replica) == 0 and "4 đảng viên đã có quyết định xếp loại" in page.content.decode()

    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    caught_up(replica)
    other = client_for(personas.staff_a)
    other.cookies.pop(PIN_COOKIE, None)
    with CaptureQueriesContext(replica) as on_replica:
        page = other.get(url)
    assert len(on_replica) >= 2 and "4 đảng viên đã có quyết định xếp loại" in page.content.decode()
