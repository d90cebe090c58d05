"""Benchmark of the roster import: 5,000 rows as .xlsx and .csv, dry run and import, seconds and queries.

Runs in a throwaway test database (created and dropped here), with the project's settings:

    .venv/bin/python bench/members_import.py                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiemdiem .venv/bin/python bench/members_import.py

Steps: a dry run of a new file, the import (5,000 new members), the same file again (all unchanged), the same
rows as .xlsx (dry run: unchanged), then an .xlsx where every row changes (5,000 updates, 500 of them transfers).
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))
CELLS = 20
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hồng", "Quang", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Hằng", "Khánh", "Lan", "Mai", "Ương", "Yến"]


def build_rows(cells: list[str], *, post: str, moved: int = 0) -> list[list]:
    rnd = random.Random(5000)
    rows = []
    for i in range(ROWS):
        born = datetime.date(1950 + rnd.randrange(45), 1 + rnd.randrange(12), 1 + rnd.randrange(28))
        admitted = datetime.date(born.year + 20 + rnd.randrange(10), 1 + rnd.randrange(12), 1 + rnd.randrange(28))
        cell = cells[(i + (1 if i < moved else 0)) % len(cells)]
        rows.append([
            f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)} {i}",
            born.strftime("%d/%m/%Y"),
            rnd.choice(["Nam", "Nữ"]),
            f"{90_000_000 + i}",
            admitted.strftime("%d/%m/%Y"),
            admitted.replace(year=admitted.year + 1).strftime("%d/%m/%Y"),
            post,
            "",
            cell,
        ])  # fmt: skip
    return rows


def main() -> None:
    from members.importing import import_members, plan_from_bytes
    from members.models import Member
    from members.tests.factories import csv_bytes, xlsx_bytes
    from party_units.models import Role, RoleKind
    from party_units.tests.personas import make_unit, make_user

    ward = make_unit(None, "Đảng ủy phường Thử tải", "committee", "Đảng ủy phường", "ĐU")
    cells = [make_unit(ward, f"Chi bộ số {n}").name for n in range(1, CELLS + 1)]
    staff = make_user("bench_staff")
    Role.objects.create(user=staff, unit=ward, kind=RoleKind.WARD_STAFF)
    first = build_rows(cells, post="Giáo viên")
    changed = build_rows(cells, post="Giáo viên chính", moved=ROWS // 10)
    files = {
        "csv": csv_bytes(first, bom=True),
        "xlsx": xlsx_bytes(first),
        "xlsx changed": xlsx_bytes(changed),
    }
    print(f"database: {connection.vendor}; rows: {ROWS}; cells: {CELLS}")
    print("file sizes: " + ", ".join(f"{k} {len(v) / 1024:.0f} KiB" for k, v in files.items()))
    print(f"{'step':<34} {'new':>5} {'upd':>5} {'same':>5} {'err':>4} {'seconds':>8} {'queries':>8}")

    def run(label: str, data: bytes, name: str, *, dry_run: bool) -> None:
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            if dry_run:
                plan = plan_from_bytes(data, name, actor=staff, unit=ward)
            else:
                plan = import_members(data, name, actor=staff, unit=ward)
        seconds = time.perf_counter() - start
        c = plan.counts
        assert plan.is_valid, plan.file_errors or plan.errors[:3]
        print(
            f"{label:<34} {c['new']:>5} {c['updated']:>5} {c['unchanged']:>5} {c['error']:>4} "
            f"{seconds:>8.2f} {len(ctx.captured_queries):>8}"
        )

    run("csv: dry run (new file)", files["csv"], "ds.csv", dry_run=True)
    run("csv: import", files["csv"], "ds.csv", dry_run=False)
    run("csv: same file again", files["csv"], "ds.csv", dry_run=False)
    run("xlsx: dry run (same rows)", files["xlsx"], "ds.xlsx", dry_run=True)
    run("xlsx: import, every row changed", files["xlsx changed"], "ds.xlsx", dry_run=False)
    run("xlsx: same file again", files["xlsx changed"], "ds.xlsx", dry_run=False)
    print(f"members in the database: {Member.objects.count()}")


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
