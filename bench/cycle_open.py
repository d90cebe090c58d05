#!/usr/bin/env python
"""Benchmark: open a review cycle over a ward with 50 cells and 1,500 members, then load its pages.

    .venv/bin/python bench/cycle_open.py [--cells 50] [--members 1500]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiemdiem .venv/bin/python bench/cycle_open.py

Runs in a throwaway test database (test_<name>, created and dropped here) and prints the wall time and the
number of SQL queries of: cycle_open, the cycle page, and one cell's eligibility page. The tests pin the
query counts (appraisal/tests/test_cycles.py, test_cycle_pages.py, test_eligibility.py); this shows the time.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")  # a local secret key; the test database is created and dropped below

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402


def measure(label: str, action) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
    print(f"{label:<42} {elapsed * 1000:9.1f} ms {len(queries.captured_queries):6d} queries")
    return result


def run(cells: int, members: int) -> None:
    from appraisal.models import UnitReview
    from appraisal.services import cycle_create, cycle_open
    from appraisal.tests.factories import grow_ward
    from members.models import MemberStatus, StatusKind
    from party_units.models import PartyUnit, Role, RoleKind, UnitKind
    from party_units.tests.personas import make_unit

    per_cell = max(1, members // cells)
    city = make_unit(None, "Thành ủy (đo hiệu năng)", UnitKind.COMMITTEE, "Thành ủy", "TU")
    started = time.perf_counter()
    ward = grow_ward(city, name="Phường đo", cells=cells, members_per_cell=per_cell)
    first_cell = PartyUnit.objects.filter(parent=ward).order_by("path").first()
    # A few statuses so the eligibility page has caps and exclusions to compute.
    some = list(first_cell.memberships.values_list("member_id", flat=True)[:5])
    MemberStatus.objects.bulk_create(
        [MemberStatus(member_id=some[0], kind=StatusKind.EXEMPTED, start_date=datetime.date(2023, 1, 1))]
        + [
            MemberStatus(
                member_id=pk,
                kind=StatusKind.DISCIPLINED,
                start_date=datetime.date(2025, 5, 5),
                discipline_level="warning",
            )
            for pk in some[1:]
        ]
    )
    staff = get_user_model().objects.create_user("bench_staff", password="x")  # noqa: S106
    Role.objects.create(user=staff, unit=ward, kind=RoleKind.WARD_STAFF)
    print(f"ward: {cells} cells, {cells * per_cell} members (built in {time.perf_counter() - started:.1f} s)")
    print(f"database: {connection.vendor}")

    cycle = cycle_create(actor=staff, issuing_unit=ward, title="Kiểm điểm năm 2025", year=2025, rule_set="hd43-2025")
    created = measure("cycle_open", lambda: cycle_open(actor=staff, cycle=cycle))
    assert created == cells + 1 == UnitReview.objects.filter(cycle=cycle).count()

    client = Client()
    client.force_login(staff)
    client.get(reverse("appraisal:cycle_detail", args=[cycle.pk]))  # warm the session
    response = measure("cycle page (GET)", lambda: client.get(reverse("appraisal:cycle_detail", args=[cycle.pk])))
    assert response.status_code == 200
    url = reverse("appraisal:unit_review", args=[cycle.pk, first_cell.pk])
    response = measure(f"eligibility page of one cell ({per_cell} members)", lambda: client.get(url))
    assert response.status_code == 200 and len(response.context["eligibility"].rows) == per_cell


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=50)
    parser.add_argument("--members", type=int, default=1500)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.cells, args.members)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
