"""What the page benchmarks share: serving a request as a WSGI server would, and timing it.

Django's test client is not used for the timed requests: for every template it renders (each ``{% include %}``
of a 200-row table, too) it copies the context to record it for assertions, which a real server never does and
which made pages with many rows look several times slower than they are. ``Server`` logs a user in once through
the test client, then sends the timed requests straight to Django's ``WSGIHandler`` with that session cookie:
URL routing, every middleware, the view, the queries and the template — what gunicorn would call, minus the
socket.
"""

from __future__ import annotations

import statistics
import time
from io import BytesIO

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

_handler: WSGIHandler | None = None


class Server:
    """Requests as one logged-in user (``user=None``: anonymous)."""

    def __init__(self, user=None):
        global _handler
        _handler = _handler or WSGIHandler()
        client = Client()
        if user is not None:
            client.force_login(user)
        self.cookie = "; ".join(f"{morsel.key}={morsel.value}" for morsel in client.cookies.values())

    def get(self, url: str) -> tuple[int, bytes]:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": self.cookie,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": BytesIO(),
            "wsgi.errors": BytesIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status = []
        body = _handler(environ, lambda s, headers, exc_info=None: status.append(s))
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()  # fires request_finished, as a server does
        return int(status[0].split()[0]), content


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(server: Server, url: str, runs: int) -> dict:
    """One warm-up, then ``runs`` timed requests: median and p95 in ms, the queries of one request, the size."""
    started = time.perf_counter()
    status, content = server.get(url)
    assert status == 200, (url, status)
    if time.perf_counter() - started > 1:  # far off any target: a few runs say so
        runs = min(runs, 3)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        server.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        server.get(url)
    return {
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "queries": len(queries.captured_queries),
        "bytes": len(content),
    }
