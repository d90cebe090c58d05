"""scripts/backup.sh and scripts/restore.sh on the real PostgreSQL: a database with data and stored files is backed
up, the files are wiped, everything is restored into a fresh database, and every table's row count and every
file's SHA-256 are the same as before. A damaged backup, and a database that is not empty, are refused."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from conftest import skip_or_fail

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[1]


def url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def row_counts(conninfo: str) -> dict[str, int]:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables "
                "where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')"
            )
        ]
        return {table: conn.execute(f"select count(*) from {table}").fetchone()[0] for table in tables}  # noqa: S608


def file_sums(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def run(script: str, *args: str, database: str, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database, "MEDIA_ROOT": str(media)}
    env.pop("RESTORE_OVER", None)
    return subprocess.run(  # noqa: S603 - fixed argv
        [shutil.which("bash") or "/bin/bash", str(ROOT / "scripts" / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = connection.settings_dict["NAME"] + "_restore"
    admin = url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}"')
        conn.execute(f'create database "{name}"')
    yield url(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def tools(postgresql):
    for tool in ("pg_dump", "pg_restore", "psql", "sha256sum", "tar"):
        if not shutil.which(tool):
            skip_or_fail(f"{tool} is not installed (apt-get install postgresql-client)")


def stored_files(media: Path) -> None:
    """Files as the application stores them: nested folders, Vietnamese names, binary content."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save("reports/bien-ban-chi-bo-Mạc-Đĩnh-Chi.pdf", ContentFile(b"%PDF-1.7\n" + os.urandom(4096)))
    default_storage.save("reports/2025/danh-sách.xlsx", ContentFile(os.urandom(10_000)))
    default_storage.save("imports/đảng viên.csv", ContentFile("Họ và tên\nNguyễn Văn An\n".encode()))
    assert len(file_sums(media)) == 3


def test_backup_wipe_restore_gives_back_every_row_and_every_file(tools, settings, tmp_path, fresh_database):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    media = Path(settings.MEDIA_ROOT)
    stored_files(media)
    source = url(connection.settings_dict["NAME"])
    rows_before = row_counts(source)
    files_before = file_sums(media)
    assert sum(rows_before.values()) > 100
    assert sum(1 for n in rows_before.values() if n) > 10  # many tables hold data, not one

    made = run("backup.sh", str(tmp_path / "backups"), database=source, media=media)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in backup.iterdir()) == [
        "SHA256SUMS",
        "counts.tsv",
        "db.dump",
        "media.sha256",
        "media.tar",
    ]

    shutil.rmtree(media)  # the files are lost
    restored = run("restore.sh", str(backup), database=fresh_database, media=media)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert row_counts(fresh_database) == rows_before
    assert file_sums(media) == files_before

    # Restoring again over the now non-empty database is refused, nothing touched.
    again = run("restore.sh", str(backup), database=fresh_database, media=tmp_path / "empty")
    assert again.returncode == 3
    assert "already has" in again.stderr
    assert row_counts(fresh_database) == rows_before


def test_a_damaged_backup_is_refused_before_anything_is_restored(tools, settings, tmp_path, fresh_database):
    media = Path(settings.MEDIA_ROOT)
    stored_files(media)
    made = run("backup.sh", str(tmp_path / "backups"), database=url(connection.settings_dict["NAME"]), media=media)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    archive = backup / "media.tar"
    data = bytearray(archive.read_bytes())
    data[600] ^= 0xFF  # one flipped byte inside the first file
    archive.write_bytes(bytes(data))

    restored = run("restore.sh", str(backup), database=fresh_database, media=tmp_path / "restored")
    assert restored.returncode != 0
    assert "media.tar: FAILED" in restored.stdout + restored.stderr
    assert row_counts(fresh_database) == {}
    assert not (tmp_path / "restored").exists() or not any((tmp_path / "restored").iterdir())
