"""Pages for the faults a user can meet, in Vietnamese and without a traceback (config.urls.handler500).

When the database cannot be reached (restarted, the connection dropped, the network between the application and
PostgreSQL cut) the answer is a 503 that says so and says what happened to what the user sent: every change is
made inside one transaction (services use transaction.atomic), so a request that failed on the database saved
nothing, whole; the next request connects again (CONN_HEALTH_CHECKS). Any other unexpected error gets a plain
500 page. Neither page touches the database: the context processors are not run, the user is not looked up.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

DATABASE_ERRORS = (OperationalError, InterfaceError)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def database_unavailable(request) -> HttpResponse:
    content = render_to_string("database_unavailable.html", {"sent": request.method not in SAFE_METHODS})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = "30"
    return response


def server_error(request) -> HttpResponse:
    """handler500: called by Django inside its ``except`` for an uncaught exception (sys.exc_info is set)."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable(request)
    return HttpResponse(render_to_string("500.html"), status=500)
