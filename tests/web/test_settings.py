"""Settings from the environment: both shapes, and the deploy check of the production one."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Settings read the environment once, at import: each shape is loaded in a fresh process.
_SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "database": settings.DATABASES["default"],
    "caches": settings.CACHES,
    "session_engine": settings.SESSION_ENGINE,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "csrf_trusted_origins": settings.CSRF_TRUSTED_ORIGINS,
    "proxy_ssl_header": getattr(settings, "SECURE_PROXY_SSL_HEADER", None),
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
}, default=str))
"""


def run_in_production(
    *args: str, without: tuple[str, ...] = (), **overrides: str
) -> subprocess.CompletedProcess[str]:
    """Run Python in a production environment: a real secret, no DEBUG, our own host."""
    dropped = {"DEBUG", "SECURE_TRANSPORT", "DJANGO_ALLOW_ASYNC_UNSAFE", *without}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="onboarding.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="guide.example",
        CSRF_TRUSTED_ORIGINS="https://guide.example",
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )


def settings_with(*, without: tuple[str, ...] = (), **env: str) -> dict:
    result = run_in_production("-c", _SHOW_SETTINGS, without=without, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def deploy_check(**env: str) -> subprocess.CompletedProcess[str]:
    return run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING", **env)


PRODUCTION_MAIL = "submission://portal:secret@smtp.example.com:587"


def test_deploy_check_passes_with_production_settings():
    result = deploy_check(BEHIND_TLS_PROXY="1", EMAIL_URL=PRODUCTION_MAIL)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_when_production_has_no_mail_server():
    result = deploy_check(BEHIND_TLS_PROXY="1")

    assert result.returncode != 0
    assert "mail.E001" in result.stderr


def test_deploy_check_fails_when_production_runs_in_debug():
    result = deploy_check(DEBUG="1", SECURE_TRANSPORT="0")

    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_postgres_url_gives_persistent_health_checked_connections():
    database = settings_with(DATABASE_URL="postgres://portal:pw@db.internal:5432/portal")[
        "database"
    ]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"], database["USER"]) == (
        "db.internal",
        "portal",
        "portal",
    )
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def test_sqlite_takes_the_write_lock_up_front_and_waits_for_it(tmp_path):
    database = settings_with(DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}")["database"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 5


def test_redis_url_puts_the_cache_and_sessions_in_redis():
    shown = settings_with(REDIS_URL="redis://cache.internal:6379/0")

    assert shown["caches"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shown["caches"]["default"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert shown["session_engine"] == "django.contrib.sessions.backends.cached_db"


def test_without_redis_the_cache_is_local_memory_and_sessions_in_the_database():
    shown = settings_with(without=("REDIS_URL",))

    assert shown["caches"]["default"]["BACKEND"].endswith("LocMemCache")
    assert shown["session_engine"] == "django.contrib.sessions.backends.db"


def test_production_serves_static_files_through_the_storage_that_keeps_their_urls():
    shown = settings_with()

    assert shown["static_storage"] == "onboarding.web.static_files.HashedStaticFiles"


def test_hosts_and_trusted_origins_come_from_the_environment():
    shown = settings_with(
        ALLOWED_HOSTS="guide.example, www.guide.example",
        CSRF_TRUSTED_ORIGINS="https://guide.example,https://www.guide.example",
    )

    assert shown["allowed_hosts"] == ["guide.example", "www.guide.example"]
    assert shown["csrf_trusted_origins"] == ["https://guide.example", "https://www.guide.example"]


def test_the_forwarded_proto_header_is_trusted_only_when_told_a_proxy_sets_it():
    assert settings_with()["proxy_ssl_header"] is None
    assert settings_with(BEHIND_TLS_PROXY="1")["proxy_ssl_header"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_production_redirects_plain_http_to_https():
    assert settings_with()["ssl_redirect"] is True
