"""Signed-in sessions: an idle timeout with a message, and no caching of anything a signed-in user sees.

A session ends after ``SESSION_IDLE_MINUTES`` without a request (an office computer left open); the next request
is answered as anonymous, so the login page says why. The activity stamp is refreshed at most once a minute, so a
busy user does not cost a session write per request. Every response to a signed-in user carries
``Cache-Control: no-store``: the pages and the files show member records, which must not stay in a shared
browser's or a proxy's cache.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

LAST_ACTIVITY = "_last_activity"
REFRESH_SECONDS = 60


def stamp_login(sender, request, user, **kwargs) -> None:  # noqa: ARG001 - signal signature
    """user_logged_in receiver: a new session starts its idle clock at once (no extra write on the next page)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY] = int(time.time())


class IdleSessionMiddleware:
    """Log out a session idle for longer than SESSION_IDLE_MINUTES, with a message for the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            last = request.session.get(LAST_ACTIVITY)
            if last is not None and now - last > idle_limit:
                logout(request)
                messages.warning(
                    request,
                    _("Phiên làm việc đã hết hạn sau %(minutes)d phút không thao tác. Vui lòng đăng nhập lại.")
                    % {"minutes": settings.SESSION_IDLE_MINUTES},
                )
            elif last is None or now - last >= REFRESH_SECONDS:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Cache-Control: no-store on every response to a signed-in user (pages and file downloads alike)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
