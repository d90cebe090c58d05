"""Signing in: repeated failures lock an account and an address for a while (django-axes), with a Vietnamese
message on the login page.

Axes counts failures per account and per address separately (AXES_LOCKOUT_PARAMETERS); after
AXES_FAILURE_LIMIT failures either is refused until AXES_COOLOFF_TIME passes or staff unlock it (the admin's
"Mở khóa" action on the attempts, or ``manage.py axes_reset_username NAME`` / ``axes_reset_ip ADDRESS``).
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext as _


class _LoadsMember:
    """Every page's navigation asks ``user.member`` (the member record linked to the account, from the members
    app): the user of a session is loaded with it in one query instead of two."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("member").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class AccountBackend(_LoadsMember, ModelBackend):
    """Django's username and password check (after ``ThrottledBackend`` let the attempt through)."""


class ThrottledBackend(AxesStandaloneBackend):
    """Axes' guard, which needs the request to know the address. A login that comes from no HTTP request (the
    test client's ``login()``, a shell) has no address to throttle and is passed on to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def locked_out_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Đăng nhập sai quá %(limit)d lần: tài khoản hoặc địa chỉ máy này bị tạm khóa trong %(minutes)d phút. "
        "Hãy thử lại sau, hoặc nhờ cán bộ quản trị mở khóa."
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}


def locked_out(request, original_response=None, credentials=None):  # noqa: ARG001 - axes' callable signature
    """AXES_LOCKOUT_CALLABLE: the login page again, with the lockout message, answered 429."""
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    context = {"form": form, "next": request.POST.get("next", request.GET.get("next", "")), "locked_out": True}
    context["locked_out_message"] = locked_out_message()
    return render(request, "registration/login.html", context, status=429)


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE. Behind the reverse proxy every request comes from the proxy's address; with
    BEHIND_PROXY=1 the address is the last one the proxy appended to X-Forwarded-For (the only one it vouches
    for: earlier entries come from the client and can be forged)."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail; the link in the message starts with SITE_URL when it is set (the address users
    reach through the proxy), else with the address of the request."""

    def form_valid(self, form):
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with the message in Vietnamese (Django's own Vietnamese catalogue lacks this plural form)."""

    def get_error_message(self) -> str:
        return _("Mật khẩu này quá ngắn: cần ít nhất %(min_length)d ký tự.") % {"min_length": self.min_length}
