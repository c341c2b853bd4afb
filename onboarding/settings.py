"""Settings for the onboarding portal, all read from the environment once, here.

Local defaults give the embedded shape (SQLite, local-memory cache); DATABASE_URL and REDIS_URL
give the scale-out shape (PostgreSQL, Redis). Nothing else in the code reads os.environ.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _mailer_from_url(url: str) -> dict[str, Any]:
    """The MAILERS entry for an EMAIL_URL: submission:// (STARTTLS), smtps:// (TLS), smtp://."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    security = {"smtp": {}, "submission": {"use_tls": True}, "smtps": {"use_ssl": True}}
    if parts.scheme not in security or not parts.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL must look like submission://user:password@smtp.example.com:587"
        )
    options: dict[str, Any] = {"host": parts.hostname, **security[parts.scheme]}
    if parts.port:
        options["port"] = parts.port
    if parts.username:
        options["username"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


# --- The environment, read once -------------------------------------------------------------
DEBUG = _env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
REDIS_URL = os.environ.get("REDIS_URL", "")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])
# Only when the proxy in front really sets X-Forwarded-Proto; trusting it otherwise lets any
# client claim HTTPS.
BEHIND_TLS_PROXY = _env_bool("BEHIND_TLS_PROXY", False)
# HTTPS-only cookies and HSTS; on by default in production, off for local plain-HTTP runs.
SECURE_TRANSPORT = _env_bool("SECURE_TRANSPORT", not DEBUG)
# A proxy that redirects HTTP to HTTPS itself may turn Django's redirect off.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", SECURE_TRANSPORT)
# Load balancers probe over plain HTTP and count a redirect as down.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# The preload directive only takes effect once the domain's owner submits it to the browsers'
# list; an operator who may ever need plain HTTP on a subdomain turns it off.
SECURE_HSTS_PRELOAD = _env_bool("HSTS_PRELOAD", True)
# collectstatic writes here and whitenoise serves from here.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", "") or BASE_DIR / "staticfiles")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
# Outgoing mail (password resets): EMAIL_URL (submission://user:password@host:587, smtps://...,
# smtp://...), or EMAIL_HOST with EMAIL_PORT, EMAIL_HOST_USER, ...; neither: the console.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
# Lower-case on purpose: Django 6.1 deprecates the settings named EMAIL_HOST etc. for MAILERS.
smtp_host = os.environ.get("EMAIL_HOST", "")
smtp_port = os.environ.get("EMAIL_PORT", "")
smtp_user = os.environ.get("EMAIL_HOST_USER", "")
smtp_password = os.environ.get("EMAIL_HOST_PASSWORD", "")
smtp_use_ssl = _env_bool("EMAIL_USE_SSL", False)
smtp_use_tls = _env_bool("EMAIL_USE_TLS", not smtp_use_ssl)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Step by step <noreply@localhost>")
# The request header a trusted proxy puts the client's address in (e.g. X-Real-IP); without it
# every client behind the proxy would share one failed-login count. Empty: REMOTE_ADDR.
CLIENT_ADDRESS_HEADER = os.environ.get("CLIENT_ADDRESS_HEADER", "")

if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or DEBUG=1 for local development)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

# --- Applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "formtools",
    "django_htmx",
    "adminsortable2",
    "phonenumber_field",
    "axes",
    "onboarding.accounts",
    "onboarding.guides",
    "onboarding.journeys",
    "onboarding.sharing",
    "onboarding.insights",
    "onboarding.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that every page (also a 400 raised by a later middleware) gets the policy and
    # its error page a nonce for its scripts.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads the body: a 400 for charsets, uploads and sizes no form here sends.
    "onboarding.web.request_guard.RefuseMalformedRequests",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onboarding.journeys.visitors.VisitorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Answers a login refused for too many failures (on any login form) with the lockout page.
    "axes.middleware.AxesMiddleware",
    # Innermost, so a database fault raised by any view becomes the friendly 503.
    "onboarding.web.middleware.FaultMiddleware",
]

ROOT_URLCONF = "onboarding.urls"
WSGI_APPLICATION = "onboarding.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "journeys:landing"
# Axes' backend refuses every login while failed attempts are over a limit, before any password
# is checked, so the admin's login form is limited as well as ours.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onboarding.web.context_processors.site_links",
            ],
        },
    },
]

# Forms render with the project's templates (our field markup), falling back to Django's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Data --------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at the start of a transaction, and the busy timeout makes
    # other processes wait for it, so several gunicorn workers never see "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "default" holds nothing that must agree across processes. "limits" holds the rate-limit
# counters, which must: Redis when there is one, otherwise a table every worker shares (created
# by `manage.py createcachetable`, which `make run`, `make serve` and the tests run).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "limits": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }
    # The cache answers most session reads; the database keeps sessions across a Redis restart.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rate_limit_counts",
            # Past MAX_ENTRIES the table drops a third of its rows, counts in force among them
            # (300 by default: a few hundred clients an hour would reset each other's limits).
            # Expired counts go first; this many live ones is far beyond any real hour.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- People ------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins, counted by django-axes in the database (every worker sees the same count): at
# most 5 per account and 20 per client address, each until 15 minutes pass without a new failure
# (accounts/login_limits.py says how accounts and addresses are told apart).
LOGIN_FAILURE_LIMITS = {"username": 5, "ip_address": 20}
AXES_LOCKOUT_PARAMETERS = list(LOGIN_FAILURE_LIMITS)
AXES_FAILURE_LIMIT = max(LOGIN_FAILURE_LIMITS.values())
AXES_HANDLER = "onboarding.accounts.login_limits.LoginLimitsHandler"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_USERNAME_FORM_FIELD = "username"  # the field of every login form (and authenticate()'s)
AXES_USERNAME_CALLABLE = "onboarding.accounts.login_limits.account_key"
AXES_CLIENT_IP_CALLABLE = "onboarding.accounts.login_limits.client_ip"
AXES_LOCKOUT_CALLABLE = "onboarding.accounts.views.locked_out"
# Tries while locked out are refused unchecked and not counted: an attacker cannot keep the
# owner out for longer than 15 minutes after the last counted failure.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A login forgives only its own client's failures on its account (signals.py): axes' own reset
# would forget every failure from the client's address, on any account.
AXES_RESET_ON_SUCCESS = False
# No row per successful login: axes keeps only the failures, and only for the cool-off.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
# A reset link works once (it is tied to the password hash) and for one hour at most.
PASSWORD_RESET_TIMEOUT = 60 * 60
PHONENUMBER_DB_FORMAT = "E164"
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Mail --------------------------------------------------------------------------------------
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_URL:
    MAILERS = {"default": _mailer_from_url(EMAIL_URL)}
elif smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": smtp_host,
                "port": int(smtp_port) if smtp_port else None,
                "username": smtp_user,
                "password": smtp_password,
                "use_ssl": smtp_use_ssl,
                "use_tls": smtp_use_tls and not smtp_use_ssl,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "onboarding.web.static_files.HashedStaticFiles"
        )
    },
}

# --- Security ----------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Scripts never read the CSRF cookie: pages carry the token (a hidden field, and hx-headers).
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "onboarding.web.errors.csrf_failure"
# The largest form (an editor's step in admin) is a few KB; anything far bigger is refused
# with a 400 before it is read into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
if SECURE_TRANSPORT:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for the exact host, on path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging -----------------------------------------------------------------------------------
# Share tokens are redacted from the request loggers: a token in a log line is the link itself.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_share_tokens": {"()": "onboarding.sharing.log_redaction.RedactShareTokens"}
    },
    "formatters": {
        # Django's own runserver format, which this config would otherwise drop.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        # On the handler too, for any other logger that mentions a path.
        "console": {"class": "logging.StreamHandler", "filters": ["redact_share_tokens"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "loggers": {
        "django.request": {"filters": ["redact_share_tokens"]},
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["redact_share_tokens"],
            "level": "INFO",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
