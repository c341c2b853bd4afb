"""Password reset: the median answer time for known and for unknown addresses, 200 requests each.

    SECRET_KEY=x .venv/bin/python -m pytest bench/reset_timing.py -p no:randomly -q -s

Run through pytest (its test database, Django's test client), with DATABASE_URL and REDIS_URL
as for the tests. Each request comes from its own client address and asks for its own account,
so every known one really sends a mail and no limit is reached. Known and unknown alternate so
that drift on the machine hits both; the mail threads are waited for between requests, outside
the timing. It prints both medians and the median of the paired differences (each known
request against the unknown one beside it in time), which a busy machine moves least. The
suite's own check (tests/accounts/test_password_reset.py) counts queries instead: timings are
too noisy on a shared machine to fail a build on.
"""

from __future__ import annotations

import statistics
import time

import pytest

from onboarding.accounts.mail import wait_for_mail
from tests.browser_like_client import BrowserLikeClient
from tests.factories import make_user, sent_mail

REQUESTS_EACH = 200


@pytest.fixture
def client(settings):
    """The test client over plain HTTP, static files from the source folders (as the suite's)."""
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    # Hashing strength is Django's concern; 200 accounts are made here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return BrowserLikeClient()


def ask_for_reset(client, email, address):
    return client.post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=address)


def test_reset_time_known_against_unknown(client, db):
    for number in range(REQUESTS_EACH):
        make_user(email=f"known{number}@example.com")
    for number in range(20):  # warm up: templates, URL resolvers, the first queries
        ask_for_reset(client, f"warm{number}@example.com", f"198.18.0.{number}")
    wait_for_mail()
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for number in range(REQUESTS_EACH):
        for kind in ("known", "unknown") if number % 2 else ("unknown", "known"):
            address = f"10.{int(kind == 'known')}.{number // 250}.{number % 250}"
            started = time.perf_counter()
            response = ask_for_reset(client, f"{kind}{number}@example.com", address)
            times[kind].append(time.perf_counter() - started)
            assert response.status_code == 302
            wait_for_mail()
    assert len(sent_mail()) == REQUESTS_EACH
    known, unknown = (statistics.median(times[kind]) * 1000 for kind in ("known", "unknown"))
    pairs = zip(times["known"], times["unknown"], strict=True)
    paired = statistics.median(k - u for k, u in pairs) * 1000
    print(
        f"\nreset median: known {known:.3f} ms, unknown {unknown:.3f} ms, paired difference"
        f" {paired:+.3f} ms ({REQUESTS_EACH} each)"
    )
