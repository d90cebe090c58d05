"""The settings module refuses to start in production shape without a secret, and reads the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def settings_in_subprocess(env: dict[str, str], expr: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}
    }
    code = f"import django; django.setup(); from django.conf import settings as s; print({expr})"
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = settings_in_subprocess({}, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_development_defaults_sqlite_and_in_process_tasks():
    result = settings_in_subprocess(
        {"DEBUG": "1"}, "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.TIME_ZONE, s.LANGUAGE_CODE"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3 True Asia/Ho_Chi_Minh vi"


def test_environment_selects_postgresql_and_redis():
    result = settings_in_subprocess(
        {"SECRET_KEY": "x", "DATABASE_URL": "postgres://u:p@db:5432/kd", "CELERY_BROKER_URL": "redis://r:6379/0"},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql kd False False"


def test_dates_are_shown_dd_mm_yyyy():
    import datetime

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(datetime.date(2021, 11, 16), "SHORT_DATE_FORMAT") == "16/11/2021"
        assert formats.date_format(datetime.date(2021, 11, 16)) == "16/11/2021"


def test_an_empty_database_url_means_the_default_sqlite_file():
    result = settings_in_subprocess({"DEBUG": "1", "DATABASE_URL": ""}, "s.DATABASES['default']['ENGINE']")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_page_fragments_are_cached_in_memory_or_in_the_shared_cache_named():
    local = settings_in_subprocess({"DEBUG": "1"}, "s.CACHES['default']['BACKEND']")
    shared = settings_in_subprocess(
        {"DEBUG": "1", "CACHE_URL": "redis://127.0.0.1:6379/1"},
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION']",
    )
    assert local.returncode == 0 and shared.returncode == 0, local.stderr + shared.stderr
    assert local.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"
    assert shared.stdout.strip() == "django.core.cache.backends.redis.RedisCache redis://127.0.0.1:6379/1"
