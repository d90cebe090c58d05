#!/usr/bin/env python
"""The meeting entry page of the seeded 40-member cell (``bench/national.py``'s ``meeting_40``), alone: CPU and wall
time a request, in-process through ``bench/_harness.py``'s ``Server`` (middleware, view, queries, template).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kd_scale .venv/bin/python bench/meeting_page.py [--repeat 30]

CPU time (``time.process_time``) is what the code costs this process, so it moves less with the machine's load
than the wall time; both are printed as the median and p95 of ``--repeat`` requests after two warm-up requests,
with the page's size (the queries: bench/national.py). Run it in a worktree of the code before a change and in
one of the code after, taking turns, on the same database. ``--cold``: Django's dummy cache, so that every request
renders the whole page (the meeting's rows are cached under their version otherwise: the repeated requests of
this benchmark would all be served the cached rows).
"""

from __future__ import annotations

import argparse
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
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

from bench._harness import Server, percentile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--cold", action="store_true", help="no cache: every request renders every row")
    args = parser.parse_args()
    if args.cold:
        with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
            run(args)
    else:
        run(args)


def run(args) -> None:
    setup_test_environment()
    from bench.scale import main_pages, personas

    cycle, review, member, units, _sizes, people = personas()
    url = next(url for name, _who, url in main_pages(cycle, review, member, units) if name == "meeting_40")
    server = Server(people["secretary"])
    for _ in range(2):
        status, content = server.get(url)
        assert status == 200, status
    cpu, wall = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        server.get(url)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    print(
        f"meeting_40{' (cold)' if args.cold else ''} {url}: {len(content):,} bytes; "
        f"CPU median {statistics.median(cpu):.1f} ms (p95 {percentile(cpu, 0.95):.1f}), "
        f"wall median {statistics.median(wall):.1f} ms (p95 {percentile(wall, 0.95):.1f}); "
        f"load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(
        ROOT_URLCONF="bench.urls", STORAGES=static, WHITENOISE_USE_FINDERS=True, SECURE_SSL_REDIRECT=False
    ):
        main()
