"""One settings module for every environment, read from environment variables.

Defaults run on a laptop with nothing installed (SQLite file, Celery tasks in-process, console e-mail).
Production values come from the environment and fail loudly when a secret is missing.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and TESTING:
    SECRET_KEY = "test-only-insecure-key"  # noqa: S105
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

# `seed_demo` creates `admin` with a published password: it runs only on a development database (DEBUG) or
# one the environment declares a demo (DEMO_DATA=1). Tests may load it.
DEMO_DATA = env_bool("DEMO_DATA", default=DEBUG or TESTING)
# `seed_scale` writes millions of invented members: only on a development database or one declared for
# measurement (SCALE_DATA=1).
SCALE_DATA = env_bool("SCALE_DATA", default=DEBUG or TESTING)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap 5 assets from PyPI, no CDN
    "axes",  # login throttling (party_units/signin.py)
    "csp",  # Content-Security-Policy header (CONTENT_SECURITY_POLICY below)
    # the project's apps, lowest layer first (each imports only those above it in this list)
    "audit",
    "party_units",
    "members",
    "appraisal",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages and JSON compressed by the application itself, so a deployment without a proxy (or a proxy that does
    # not compress) still sends a phone ~10× less (docs/deploy.md, "Compression"). First after SecurityMiddleware:
    # it compresses what every later middleware wrote. Django pads each compressed answer with random bytes
    # (BREACH mitigation, Django 4.2+), and the CSRF token is masked anew on every page.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "party_units.sessions.IdleSessionMiddleware",
    "party_units.sessions.NoStoreMiddleware",
    "party_units.replica.PinAfterWriteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out login into the lockout page; last, as axes asks
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "party_units.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# DATABASE_URL, e.g. postgres://user:pass@127.0.0.1:5432/kiemdiem; default: an SQLite file in the project.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection is tested before a request uses it: after PostgreSQL restarted or the connection was
        # dropped, the next request connects again instead of failing (tests/test_faults.py).
        conn_health_checks=True,
    )
}
# DATABASE_REPLICA_URL: a streaming replica of the primary. Dashboards and summaries marked @replica_reads may
# read from it; writes, and the pages a browser sees right after it changed something (REPLICA_PIN_SECONDS),
# use the primary (party_units/replica.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["party_units.replica.ReplicaRouter"]
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "15"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "party_units.signin.MinimumLengthValidator"},  # Django's, with a Vietnamese message
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sessions: logged out after SESSION_IDLE_MINUTES without a request (party_units.sessions), and never older than
# a working day whatever the activity; the cookie is not readable by scripts.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "45"))
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True

# Login throttling (django-axes): AXES_FAILURE_LIMIT failures per account, and separately per address, lock it
# for LOGIN_LOCKOUT_MINUTES; staff unlock earlier in the admin or with `manage.py axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = [
    "party_units.signin.ThrottledBackend",
    "party_units.signin.AccountBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "party_units.signin.locked_out"
AXES_CLIENT_IP_CALLABLE = "party_units.signin.client_ip"
AXES_ENABLE_ADMIN = False  # party_units/admin.py registers the attempts with an audited unlock action
AXES_VERBOSE = False
# Axes' log lines name the client by these parameters: masked (a login can be a member's name; the address is
# personal data too). The attempts themselves, with login and address, stay in the database for the lockout.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]
# Set BEHIND_PROXY=1 when a reverse proxy on this machine forwards the requests (X-Forwarded-For, -Proto).
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese interface, Vietnamese dates (dd/mm/yyyy), Vietnam's time zone.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Let whitenoise serve straight from the finders when collectstatic has not been run (development, tests).
WHITENOISE_USE_FINDERS = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kiemdiem@localhost")
# The SMTP server, for EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (docs/deploy.md).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 30
# The site's address as users reach it, put before the links in e-mails ("" = links stay relative paths).
SITE_URL = os.environ.get("SITE_URL", "")

# The cache holds rendered page fragments (a meeting's rows, a roster's rows), each keyed by a digest of what it
# shows, so a stale entry is never served. By default each process keeps its own in memory; with CACHE_URL
# (e.g. redis://127.0.0.1:6379/1) every web process shares one, so a row drawn once is drawn for all of them.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # A 40-member meeting is ~45 entries of a few KB: room for a ward's meetings and rosters.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: with no broker configured the tasks run in-process (eagerly), so `make run` needs nothing else.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker killed mid-task leaves its message unacknowledged: it is delivered again (acks_late with
# reject_on_worker_lost on the report task). Redis redelivers an unacknowledged message after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A request that queues a task while the broker is down waits about a second, not five, before it is told so
# (reports keep the job and send it later; reminders are e-mailed in the request).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}

# Official documents (reports/documents): where the serif family is (unset: Liberation Serif 2, Times New Roman,
# else the pip-installed Noto Serif, made static once into the cache folder), and when a job still queued or
# running is taken for dead (far longer than any render: the page then shows it failed and offers it again).
DOCUMENT_FONT_DIR = os.environ.get("DOCUMENT_FONT_DIR", "")
DOCUMENT_FONT_CACHE = Path(os.environ.get("DOCUMENT_FONT_CACHE", BASE_DIR / "var" / "fonts"))
REPORTS_STALE_AFTER = int(os.environ.get("REPORTS_STALE_AFTER", "900"))

# Separate queues so documents and e-mails scale on their own workers (`celery -A config worker -Q documents`);
# a worker started without -Q consumes all three.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("documents"), Queue("notifications"))
CELERY_TASK_ROUTES = {
    "reports.*": {"queue": "documents"},
    "appraisal.email_notifications": {"queue": "notifications"},
}

# HTTPS (docs/deploy.md). In production the reverse proxy in front terminates TLS and tells Django the scheme in
# X-Forwarded-Proto, which it must set itself, overwriting whatever the client sent (TRUST_X_FORWARDED_PROTO=0 when
# gunicorn is reached without such a proxy). Django then redirects plain http to https and sends HSTS; each is
# configurable for a proxy that already does it (SECURE_SSL_REDIRECT=0, SECURE_HSTS_SECONDS=0). The cookies are
# sent over https only. Tests run without the redirect (the test client speaks http) and check it separately.
if env_bool("TRUST_X_FORWARDED_PROTO", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Clickjacking: no page may be shown inside a frame, by the old header and by the policy's frame-ancestors.
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): everything from this site only; no inline script, no inline style, no
# eval, no plugins, no <base>, forms post only here. Scripts live in static/js, styles in static/css (a form asks
# for confirmation with data-confirm, read by static/js/confirm.js). data: images are Bootstrap's SVG icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # No member data in the logs (tests/test_logs.py). At DEBUG these two write it: the template engine dumps a
    # page's whole context on a missing variable, the database backend every statement with its parameters.
    # They stay at INFO whatever LOG_LEVEL says. Axes masks logins and addresses (AXES_SENSITIVE_PARAMETERS).
    "loggers": {
        "django.template": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
    },
}
