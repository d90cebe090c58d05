"""Reads that may lag the primary go to a streaming replica; everything else to the primary (issue 13).

With ``DATABASE_REPLICA_URL`` set, settings add the ``replica`` alias. A view opts in with ``@replica_reads``
(dashboards and summaries: counts that may be a few seconds old). The rest of the application never reads from
the replica:

- writes always go to the primary, and once a request has written, its later reads do too;
- after an unsafe request (POST…) or a request that wrote, the browser carries a short-lived ``db_pin``
  cookie (``REPLICA_PIN_SECONDS``), so the page shown right after a change — the redirect after a POST — reads
  the primary and shows the change;
- migrations run on the primary only.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
PIN_COOKIE = "db_pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_replica_ok: ContextVar[bool] = ContextVar("replica_ok", default=False)
_wrote: ContextVar[bool] = ContextVar("wrote", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_ok.get() and not _wrote.get() and replica_configured():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def _pin(response) -> None:
    response.set_cookie(
        PIN_COOKIE,
        "1",
        max_age=settings.REPLICA_PIN_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def replica_reads(view):
    """Let a read-only page (a dashboard, a summary) read from the replica, unless the request is unsafe or the
    browser has just written (``db_pin``)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS or request.COOKIES.get(PIN_COOKIE):
            return view(request, *args, **kwargs)
        ok, wrote = _replica_ok.set(True), _wrote.set(False)
        try:
            response = view(request, *args, **kwargs)
            if _wrote.get():
                _pin(response)
            return response
        finally:
            _replica_ok.reset(ok)
            _wrote.reset(wrote)

    return wrapped


class PinAfterWriteMiddleware:
    """An unsafe request pins the browser to the primary for ``REPLICA_PIN_SECONDS``: the page after a change
    shows the change even if the replica has not replayed it yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replica_configured():
            _pin(response)
        return response
