#!/usr/bin/env python
"""National-scale benchmark: the main pages over a database filled by ``seed_scale`` (issue 13).

    createdb -h 127.0.0.1 -U postgres kd_scale
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kd_scale
    SCALE_DATA=1 SECRET_KEY=x .venv/bin/python manage.py migrate
    SCALE_DATA=1 SECRET_KEY=x .venv/bin/python manage.py seed_scale --members 300000 --provinces 1 --shape 2023
    .venv/bin/python bench/national.py [--repeat 15] [--json bench-national.json]

For each page (a member's self-review, the meeting entry of a 40-member cell, the ward, city and province
dashboards, the national summary, a roster, the audit list) it prints the query count and the median and p95
server time (bench/_harness.py: Django's WSGI handler in-process, as a server calls it — middleware, view,
queries, template; no network), next to a
trivial login-protected view and a raw ``GROUP BY`` over the ratings table measured in the same run, so every
figure reads as a ratio. Targets are printed, not asserted. Pages not on this branch yet are reported absent.
Runs against the seeded database itself (it adds a few ``bench_*`` accounts and roles, nothing else).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment  # noqa: E402

from bench._harness import Server, percentile  # noqa: E402

TARGETS = {  # page: (max queries, max median ms)
    "self_review": (15, None),
    "meeting_40": (15, 100),
    "ward_dashboard": (15, 100),
    "city_dashboard": (15, 300),
    "province_dashboard": (15, 1000),
    "national_summary": (15, None),  # and within 2x the raw GROUP BY
    "roster": (15, None),
    "audit_list": (15, None),
}


def timed(fn, repeat: int, warm: int = 2) -> list[float]:
    for _ in range(warm):
        fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args()
    setup_test_environment()
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL — the figures do not describe the target set-up")
    from bench.scale import personas

    cycle, review, member, units, sizes, people = personas()
    from bench.scale import main_pages

    pages = [*main_pages(cycle, review, member, units), ("trivial", "ward", "/bench-ping/")]
    clients = {who: Server(account) for who, account in people.items()}
    results = {}
    for name, who, url in pages:
        if url is None:
            results[name] = {"absent": True}
            continue
        client = clients[who]
        status, _content = client.get(url)
        if status != 200:
            results[name] = {"status": status, "url": url}
            continue
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries.captured_queries)  # read now: the next request resets the log
        times = timed(lambda client=client, url=url: client.get(url), args.repeat)
        results[name] = {
            "url": url,
            "queries": count,
            "median_ms": statistics.median(times),
            "p95_ms": percentile(times, 0.95),
        }

    def raw_group_by():
        with connection.cursor() as cursor:
            cursor.execute("SELECT decided_level, count(*) FROM appraisal_rating GROUP BY decided_level")
            return cursor.fetchall()

    raw = timed(raw_group_by, args.repeat, warm=1)
    results["raw_group_by"] = {"queries": 1, "median_ms": statistics.median(raw), "p95_ms": percentile(raw, 0.95)}
    from appraisal.models import Rating

    ratings = Rating.objects.count()
    base = results["trivial"]["median_ms"]
    raw_median = results["raw_group_by"]["median_ms"]
    print(f"\ndatabase {connection.vendor} {connection.settings_dict['NAME']}: {ratings:,} ratings; members under")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    print(f"\n{'page':<20} {'queries':>7} {'median ms':>10} {'p95 ms':>9} {'× trivial':>10} {'× GROUP BY':>11}  target")
    for name, row in results.items():
        if row.get("absent"):
            print(f"{name:<20} {'(not on this branch)':>40}")
            continue
        if "status" in row:
            print(f"{name:<20} HTTP {row['status']} {row['url']}")
            continue
        max_q, max_ms = TARGETS.get(name, (None, None))
        verdict = []
        if max_q is not None:
            verdict.append(f"≤{max_q} q {'ok' if row['queries'] <= max_q else 'MISSED'}")
        if max_ms is not None:
            verdict.append(f"<{max_ms} ms {'ok' if row['median_ms'] < max_ms else 'MISSED'}")
        if name == "national_summary":
            verdict.append(f"≤2× GROUP BY {'ok' if row['median_ms'] <= 2 * raw_median else 'MISSED'}")
        row["x_trivial"] = row["median_ms"] / base
        row["x_group_by"] = row["median_ms"] / raw_median
        print(
            f"{name:<20} {row['queries']:>7} {row['median_ms']:>10.1f} {row['p95_ms']:>9.1f} "
            f"{row['x_trivial']:>10.1f} {row['x_group_by']:>11.2f}  {', '.join(verdict)}"
        )
    payload = {"database": connection.vendor, "ratings": ratings, "members_under": sizes, "pages": results}
    print("\n" + json.dumps(payload, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # Served in-process over http: no redirect to the https the proxy would speak (settings: SECURE_SSL_REDIRECT).
    with override_settings(
        ROOT_URLCONF="bench.urls", STORAGES=static, WHITENOISE_USE_FINDERS=True, SECURE_SSL_REDIRECT=False
    ):
        main()
