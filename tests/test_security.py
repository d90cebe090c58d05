"""Web security in production shape: `check --deploy` is clean, every answer carries a strict Content-Security-Policy
and the anti-framing headers, plain http is redirected to https with HSTS, cookies are https-only, and no template
holds an inline script, an inline style or an on*= handler (the policy would block them in the browser)."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import engines
from django.template.loaders.app_directories import get_app_template_dirs
from django.urls import reverse

from tests.test_settings import settings_in_subprocess

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "kiemdiem.example.vn",
}


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_check_deploy_is_clean_in_production_shape():
    import os

    keep = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"}}
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**keep, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_shape_redirects_to_https_sends_hsts_and_secure_cookies():
    result = settings_in_subprocess(
        PRODUCTION,
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_PROXY_SSL_HEADER, s.X_FRAME_OPTIONS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True 31536000 True True True True ('HTTP_X_FORWARDED_PROTO', 'https') DENY"


def test_the_proxy_in_front_can_take_over_https_redirect_and_hsts():
    env = {**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0", "TRUST_X_FORWARDED_PROTO": "0"}
    result = settings_in_subprocess(env, "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False 0 None"


def test_development_has_no_https_redirect_nor_secure_cookies():
    result = settings_in_subprocess(
        {"DEBUG": "1"}, "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False 0"


def assert_strict_headers(response):
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_every_kind_of_answer_carries_the_policy_and_refuses_framing(personas, client_for):
    anonymous = client_for(None)
    assert_strict_headers(anonymous.get(reverse("login")))
    client = client_for(personas.sec_a1)
    assert_strict_headers(client.get(reverse("home")))
    assert_strict_headers(client.get(reverse("members:roster", args=[personas.cell_a1.pk])))
    # A refusal and a page that does not exist are protected too.
    assert_strict_headers(client.get(reverse("members:roster", args=[personas.cell_b1.pk])))
    assert_strict_headers(client.get("/khong-co-trang-nay/"))
    assert_strict_headers(client_for(personas.superuser).get(reverse("admin:index")))


@pytest.mark.django_db
def test_plain_http_is_redirected_and_https_gets_hsts(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    plain = client.get(reverse("login"), HTTP_HOST="127.0.0.1")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://127.0.0.1/")
    assert "Strict-Transport-Security" not in plain
    # The proxy says the browser spoke https: the page is served, with HSTS.
    secure = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_the_session_and_csrf_cookies_are_https_only_and_the_session_hidden_from_scripts(personas, client):
    from party_units.tests.personas import PASSWORD

    page = client.get(reverse("login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"]
    answer = client.post(reverse("login"), {"username": "sec_a1", "password": PASSWORD}, secure=True)
    assert answer.status_code == 302
    session = answer.cookies["sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


# -- no inline script or style anywhere in the templates ------------------------------------------------------------
INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on*= handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def project_templates() -> list[Path]:
    dirs = [Path(d) for d in engines["django"].engine.dirs]
    dirs += [Path(d) for d in get_app_template_dirs("templates") if Path(d).is_relative_to(ROOT)]
    dirs = [d for d in dirs if not d.is_relative_to(ROOT / ".venv")]  # Django's own and the libraries'
    return sorted({path for folder in dirs for path in folder.rglob("*.html")})


def test_no_template_has_an_inline_script_style_or_handler():
    templates = project_templates()
    assert len(templates) > 40  # the scan found the project's templates
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}: {label}"
        for path in templates
        for pattern, label in INLINE
        for text in [path.read_text()]
        for match in pattern.finditer(text)
    ]
    assert not found, "\n".join(found)


def test_the_scan_recognises_what_it_forbids():
    samples = [
        "<script>alert(1)</script>",
        '<div style="color:red">',
        '<button onclick="go()">',
        "<style>p{}</style>",
        '<a href="javascript:void(0)">',
    ]
    for sample in samples:
        assert any(pattern.search(sample) for pattern, _ in INLINE), sample
    assert not any(pattern.search('<script src="/static/js/confirm.js"></script>') for pattern, _ in INLINE)
