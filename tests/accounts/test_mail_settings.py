"""Where password-reset mail goes: the console by default, SMTP from EMAIL_URL."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from onboarding.settings import _mailer_from_url


def test_submission_urls_use_starttls_with_the_credentials():
    mailer = _mailer_from_url("submission://postmaster%40example.com:p%40ss@smtp.example.com:2525")
    assert mailer == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.com",
            "port": 2525,
            "use_tls": True,
            "username": "postmaster@example.com",
            "password": "p@ss",
        },
    }


def test_smtps_urls_use_tls_from_the_start():
    assert _mailer_from_url("smtps://smtp.example.com")["OPTIONS"] == {
        "host": "smtp.example.com",
        "use_ssl": True,
    }


def test_console_urls_print_mail():
    assert _mailer_from_url("console://")["BACKEND"].endswith("console.EmailBackend")


@pytest.mark.parametrize("url", ["http://smtp.example.com", "smtp://", "nonsense"])
def test_unusable_urls_stop_the_start(url):
    with pytest.raises(ImproperlyConfigured):
        _mailer_from_url(url)


def configured_mailer(**env: str) -> str:
    """The default mailer a fresh process builds from these environment variables."""
    script = (
        "import django; django.setup(); from django.core import mail; m = mail.mailers.default; "
        "print(type(m).__module__, getattr(m, 'host', ''), getattr(m, 'port', ''))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "onboarding.settings", "SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_without_mail_settings_mail_goes_to_the_console():
    assert "backends.console" in configured_mailer()


def test_email_url_sends_through_smtp():
    assert configured_mailer(EMAIL_URL="submission://u:p@smtp.example.com").endswith(
        "backends.smtp smtp.example.com 587"
    )


def test_email_host_sends_through_smtp():
    mailer = configured_mailer(EMAIL_HOST="smtp.example.com", EMAIL_USE_SSL="1")
    assert mailer.endswith("backends.smtp smtp.example.com 465")
