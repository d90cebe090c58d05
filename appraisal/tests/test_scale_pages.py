"""The main pages' query counts, pinned over a seeded tree at two sizes: the count must not grow with the number
of wards, cells and members, and must stay within the issue's target of 15 (or the lower count measured since;
docs/performance.md). A regression fails here."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.scale import Seeder, main_pages, personas

pytestmark = pytest.mark.django_db

BOUNDS = {
    "self_review": 15,
    "meeting_40": 15,  # 14, then one for the minutes' number in the register (reports.panels.meeting_panels)
    # The dashboards read the cells' work items with their stored counts (UnitReviewCounts) and, above a ward,
    # the committees' (CommitteeCounts) and their members (UnitMemberCount.children_members): issue 24.
    "ward_dashboard": 13,
    "city_dashboard": 11,
    "province_dashboard": 11,
    "national_dashboard": 11,
    "ward_unit_review": 15,
    "national_summary": 6,  # the tally (LevelTally), read by the subtree's committees
    "province_summary": 6,
    "roster": 9,
    "audit_list": 10,
}


def page_queries() -> dict[str, int]:
    cycle, review, member, units, _sizes, people = personas()
    counts = {}
    for name, who, url in main_pages(cycle, review, member, units):
        if url is None:
            continue  # a page not on main yet
        client = Client()
        client.force_login(people[who])
        assert client.get(url).status_code == 200, name
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, name
        counts[name] = len(queries.captured_queries)
    return counts


@pytest.fixture
def small():
    Seeder(members=600, provinces=1, wards=2, shape="2023").run()  # wards above one roster page (100)
    return page_queries()


def test_page_queries_stay_within_their_bounds_and_do_not_grow_with_the_tree(small):
    for name, n in small.items():
        assert n <= BOUNDS[name], f"{name}: {n} queries (bound {BOUNDS[name]})"
    assert {"meeting_40", "ward_dashboard", "national_summary", "roster", "audit_list"} <= set(small)
    # A second, larger seed in the same database: three times the members, more wards and districts.
    larger = Seeder(members=1500, provinces=2, wards=6, shape="2023", seed=7)
    larger.run()
    assert page_queries() == small
