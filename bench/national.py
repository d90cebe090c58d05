#!/usr/bin/env python
"""National-scale benchmark: the main pages over a database filled by ``seed_scale`` (issues 13 and 24).

    createdb -h 127.0.0.1 -U postgres kd_scale
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kd_scale
    SCALE_DATA=1 SECRET_KEY=x .venv/bin/python manage.py migrate
    SCALE_DATA=1 SECRET_KEY=x .venv/bin/python manage.py seed_scale --members 300000 --provinces 1 --shape 2023
    .venv/bin/python bench/national.py [--rounds 15] [--json bench-national.json]

For each page (a member's self-review, the meeting entry of a 40-member cell, the ward, city, province and national
dashboards, the summaries, a roster, the audit list) it prints the query count, the median and p95 server time
(bench/_harness.py: Django's WSGI handler in-process, as a server calls it — middleware, view, queries, template;
no network), this process's CPU time and the PostgreSQL backend's CPU time per request. Every page and a trivial
login-protected view are requested once a round, the rounds repeated (as bench/city_pages.py does): a burst of
load on the shared machine falls on all of them alike, and each ratio to the trivial view compares times taken
under the same conditions. Each summary and dashboard is also compared with a raw SQL query that computes what
it shows from the rows themselves (``RAW``: the summary's decided levels of approved work items per branch and
kind of subject over the subtree, the dashboard's work items per branch and state), timed in the same rounds.
Runs with DEBUG off (forced here). Targets are printed, not asserted. Pages not on this branch yet are reported
absent. Runs against the seeded database itself (it adds a few ``bench_*`` accounts and roles, nothing else).
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
os.environ["DEBUG"] = "0"  # as a server runs: no query log kept, no debug context

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
    "national_dashboard": (15, None),
    "national_summary": (15, None),
    "province_summary": (15, None),
    "roster": (15, None),
    "audit_list": (15, None),
}
RATIO = 10  # issue 24: each dashboard and summary within 10x the trivial view of the same rounds

# What each summary and dashboard shows, computed by one raw query from the rows themselves.
SUMMARY_SQL = """
SELECT SUBSTR(c.path, 1, %(width)s), r.subject IN ('member', 'leading_individual'), r.decided_level, COUNT(*)
FROM appraisal_rating r
JOIN appraisal_unitreview ur ON ur.id = r.unit_review_id
JOIN party_units_partyunit u ON u.id = ur.unit_id
JOIN party_units_partyunit c ON c.id = COALESCE(u.parent_id, u.id)
WHERE ur.root_id = %(root)s AND ur.state = 'approved' AND r.decided_level <> '' AND c.path LIKE %(prefix)s
GROUP BY 1, 2, 3
"""
DASHBOARD_SQL = """
SELECT SUBSTR(u.path, 1, %(width)s), ur.state, COUNT(*)
FROM appraisal_unitreview ur JOIN party_units_partyunit u ON u.id = ur.unit_id
WHERE ur.root_id = %(root)s AND u.path LIKE %(prefix)s
GROUP BY 1, 2
"""
RAW = {  # page: (raw query, the unit persona whose subtree it covers)
    "ward_dashboard": (DASHBOARD_SQL, "ward"),
    "city_dashboard": (DASHBOARD_SQL, "city"),
    "province_dashboard": (DASHBOARD_SQL, "province"),
    "national_dashboard": (DASHBOARD_SQL, "root"),
    "national_summary": (SUMMARY_SQL, "root"),
    "province_summary": (SUMMARY_SQL, "province"),
}


def backend_cpu_ms(pid: int | None) -> float:
    """The PostgreSQL backend's CPU time so far (same machine: /proc), in ms; 0 where unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", "--repeat", type=int, default=15, dest="rounds")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args()
    assert not settings.DEBUG, "DEBUG must be off"
    setup_test_environment()
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL — the figures do not describe the target set-up")
    from bench.scale import main_pages, personas
    from party_units.models import PATH_STEP

    cycle, review, member, units, sizes, people = personas()
    pages = [*main_pages(cycle, review, member, units), ("trivial", "ward", "/bench-ping/")]
    clients = {who: Server(account) for who, account in people.items()}
    results: dict[str, dict] = {}
    timed: list[tuple[str, object]] = []  # (name, a function making one request or query)
    for name, who, url in pages:
        if url is None:
            results[name] = {"absent": True}
            continue
        client = clients[who]
        status, content = client.get(url)
        if status != 200:
            results[name] = {"status": status, "url": url}
            continue
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[name] = {"url": url, "queries": len(queries.captured_queries), "bytes": len(content)}
        timed.append((name, lambda client=client, url=url: client.get(url)))
    for name, (sql, persona) in RAW.items():
        if name not in results or "queries" not in results[name]:
            continue
        unit = units[persona]
        params = {"width": len(unit.path) + PATH_STEP, "root": cycle.pk, "prefix": f"{unit.path}%"}

        def raw(sql=sql, params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        raw()
        results[f"raw:{name}"] = {"queries": 1}
        timed.append((f"raw:{name}", raw))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT NULL")
        backend = cursor.fetchone()[0]
    times: dict[str, list[float]] = {name: [] for name, _fn in timed}
    cpu: dict[str, list[float]] = {name: [] for name, _fn in timed}
    db_cpu: dict[str, float] = dict.fromkeys(times, 0.0)
    for _ in range(args.rounds):  # every page once a round
        for name, fn in timed:
            started, started_cpu, started_db = time.perf_counter(), time.process_time(), backend_cpu_ms(backend)
            fn()
            times[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
            db_cpu[name] += backend_cpu_ms(backend) - started_db
    for name in times:
        results[name] |= {
            "median_ms": statistics.median(times[name]),
            "p95_ms": percentile(times[name], 0.95),
            "cpu_ms": statistics.median(cpu[name]),
            "db_cpu_ms": db_cpu[name] / args.rounds,  # a mean: /proc counts in clock ticks
        }
    from appraisal.models import Rating

    ratings = Rating.objects.count()
    base = results["trivial"]["median_ms"]
    load = os.getloadavg()
    print(f"\ndatabase {connection.vendor} {connection.settings_dict['NAME']}: {ratings:,} ratings; members under")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    print(f"{args.rounds} rounds of every page; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    header = f"{'page':<26} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7} {'db cpu':>7}"
    print(f"\n{header} {'KB':>5} {'× trivial':>10} {'× raw':>6}  target")
    for name, row in results.items():
        if row.get("absent"):
            print(f"{name:<26} {'(not on this branch)':>40}")
            continue
        if "status" in row:
            print(f"{name:<26} HTTP {row['status']} {row['url']}")
            continue
        max_q, max_ms = TARGETS.get(name, (None, None))
        verdict = []
        if max_q is not None:
            verdict.append(f"≤{max_q} q {'ok' if row['queries'] <= max_q else 'MISSED'}")
        if max_ms is not None:
            verdict.append(f"<{max_ms} ms {'ok' if row['median_ms'] < max_ms else 'MISSED'}")
        row["x_trivial"] = row["median_ms"] / base
        if name in RAW:
            verdict.append(f"≤{RATIO}× trivial {'ok' if row['x_trivial'] <= RATIO else 'MISSED'}")
        raw_row = results.get(f"raw:{name}")
        row["x_raw"] = row["median_ms"] / raw_row["median_ms"] if raw_row else None
        x_raw = f"{row['x_raw']:>6.2f}" if row["x_raw"] is not None else f"{'':>6}"
        size = f"{row['bytes'] / 1024:>5.0f}" if "bytes" in row else f"{'':>5}"
        print(
            f"{name:<26} {row['queries']:>7} {row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} {row['cpu_ms']:>7.1f} "
            f"{row['db_cpu_ms']:>7.1f} {size} {row['x_trivial']:>10.1f} {x_raw}  {', '.join(verdict)}"
        )
    payload = {
        "database": connection.vendor,
        "name": connection.settings_dict["NAME"],
        "ratings": ratings,
        "members_under": sizes,
        "rounds": args.rounds,
        "load_average": load,
        "pages": results,
    }
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
