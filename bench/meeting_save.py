#!/usr/bin/env python
"""Benchmark: the secretary saves a 60-member cell's meeting from the fast-entry page, in one request.

    .venv/bin/python bench/meeting_save.py [--members 60]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiemdiem .venv/bin/python bench/meeting_save.py

Runs in a throwaway test database (test_<name>, created and dropped here) and prints the wall time and the
number of SQL queries of: the page (GET), the first save (every rating and attendance row created), a second
save that changes every proposal (bulk updates), the same save again (nothing changes), a save refused by the
checks, and submitting the proposals. appraisal/tests/test_meeting_page.py pins that the number of queries does
not grow with the number of members; this shows the time.
"""

from __future__ import annotations

import argparse
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


def measure(label: str, action):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
    print(f"{label:<52} {elapsed * 1000:9.1f} ms {len(queries.captured_queries):6d} queries")
    return result


def form_data(review, level: str) -> dict[str, str]:
    from appraisal.selectors.meetings import meeting_sheet

    sheet = meeting_sheet(review)
    present = len(sheet.members)
    data = {
        "revision": str(review.revision),
        "held_on": "16/11/2021",
        "starts_at": "14:00",
        "ends_at": "17:30",
        "place": "Hội trường",
        "vote_method": "secret_ballot",
        "guest-0-full_name": "Nguyễn Hải An",
        "guest-0-title": "Thành ủy viên, Bí thư Đảng ủy phường",
    }
    for row in sheet.members:
        data[f"a{row.member.pk}-present"] = "1"
    for subject in sheet.subjects:
        data[f"{subject.key}-votes-{level}"] = str(present)
        data[f"{subject.key}-proposed_level"] = level
        data[f"{subject.key}-comments"] = "Gương mẫu, nhiệt tình trong công tác."
        data[f"{subject.key}-shortcomings"] = "Cần chủ động hơn trong phê bình."
    return data


def run(members: int) -> None:
    from appraisal.models import Rating, UnitReview
    from appraisal.services import cycle_create, cycle_open
    from appraisal.tests.factories import add_members
    from party_units.models import Role, RoleKind, UnitKind
    from party_units.tests.personas import make_unit

    city = make_unit(None, "Thành ủy (đo hiệu năng)", UnitKind.COMMITTEE, "Thành ủy", "TU")
    ward = make_unit(city, "Đảng ủy phường đo", UnitKind.COMMITTEE, "Đảng ủy phường", "ĐU")
    cell = make_unit(ward, "Chi bộ đo hiệu năng")
    add_members(cell, members)
    secretary = get_user_model().objects.create_user("bench_secretary", password="x")  # noqa: S106
    Role.objects.create(user=secretary, unit=cell, kind=RoleKind.SECRETARY)
    cycle = cycle_create(actor=None, issuing_unit=ward, title="Kiểm điểm năm 2021", year=2021, rule_set="hd21-2019")
    cycle_open(actor=None, cycle=cycle)
    review = UnitReview.objects.get(cycle=cycle, unit=cell)
    print(f"cell: {members} members; database: {connection.vendor}")

    client = Client()
    client.force_login(secretary)
    url = reverse("appraisal:meeting", args=[cycle.pk, cell.pk])
    client.get(url)  # warm the session and the content-type cache
    response = measure("meeting page, empty (GET)", lambda: client.get(url))
    assert response.status_code == 200

    data = form_data(review, "httnv")
    response = measure("first save (create everything)", lambda: client.post(url, data))
    assert response.status_code == 302, response.content[:500]
    assert Rating.objects.filter(unit_review=review, proposed_level="httnv").count() == members + 2
    review.refresh_from_db()
    data = form_data(review, "htxsnv")
    response = measure("second save (every proposal changed)", lambda: client.post(url, data))
    assert response.status_code == 302
    review.refresh_from_db()
    data["revision"] = str(review.revision)
    response = measure("same save again (nothing changes)", lambda: client.post(url, data))
    assert response.status_code == 302
    bad = dict(data, **{k: "99" for k in data if k.endswith("-votes-htxsnv")})
    response = measure("save refused by the checks (every row wrong)", lambda: client.post(url, bad))
    assert response.status_code == 200
    response = measure("meeting page, filled (GET)", lambda: client.get(url))
    assert response.status_code == 200
    review.refresh_from_db()
    submit = reverse("appraisal:meeting_submit", args=[cycle.pk, cell.pk])
    response = measure("submit the proposals", lambda: client.post(submit, {"revision": review.revision}))
    review.refresh_from_db()
    assert review.state == "submitted", review.state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=60)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.members)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
