"""Failed-login limits with their numbers written out: 5 per account, 20 per client address, in
15-minute windows; every login here is a real one, with the right password."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.test import Client, RequestFactory

from onboarding.accounts import login_limits
from onboarding.accounts.login_limits import (
    clear_account_failures,
    lockout_for,
    record_failure,
)
from tests.factories import log_in

pytestmark = pytest.mark.django_db

START = 1_000 * 900  # the start of a 15-minute window


@pytest.fixture(autouse=True)
def _window_start(monkeypatch):
    monkeypatch.setattr(login_limits, "now", lambda: START)


def at(monkeypatch, seconds):
    monkeypatch.setattr(login_limits, "now", lambda: START + seconds)


def fail(client, times, email="ana@example.com", **meta):
    for _ in range(times):
        assert log_in(client, email=email, password="wrong-password", **meta).status_code == 200


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/account/"


def test_four_failures_still_let_the_owner_in_with_the_right_password(client, user):
    fail(client, 4)
    assert logged_in(log_in(client))


def test_five_failures_lock_the_account_even_against_the_right_password(client, user):
    fail(client, 5)
    response = log_in(client)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_lasts_until_the_15_minute_window_ends(client, user, monkeypatch):
    fail(client, 5)
    response = log_in(client)
    assert response["Retry-After"] == "900"
    assert "Try again in 15 minutes" in response.text
    at(monkeypatch, 899)
    assert log_in(client).status_code == 429
    at(monkeypatch, 900)
    assert logged_in(log_in(client))


def test_retry_after_counts_down_to_the_windows_end(user, monkeypatch):
    request = RequestFactory().post("/accounts/login/")
    for _ in range(5):
        record_failure(request=None, email="ana@example.com")
    at(monkeypatch, 840.5)
    lockout = lockout_for(request=request, email="ana@example.com")
    assert lockout.retry_after == 60
    assert lockout.minutes == 1


def test_a_lockout_with_a_minute_and_a_second_left_says_two_minutes():
    assert login_limits.Lockout(retry_after=61).minutes == 2
    assert login_limits.Lockout(retry_after=1).minutes == 1


def test_failures_of_the_last_window_do_not_count_in_the_next(client, user, monkeypatch):
    at(monkeypatch, -1)
    fail(client, 4)
    at(monkeypatch, 0)
    fail(client, 4)
    assert logged_in(log_in(client))


def test_nineteen_failures_from_one_address_on_other_accounts_still_let_anyone_in(client, user):
    for number in range(19):
        fail(client, 1, email=f"guess{number}@example.com")
    assert logged_in(log_in(client))


def test_twenty_failures_from_one_address_lock_that_address_out(client, user):
    for number in range(20):
        fail(client, 1, email=f"guess{number}@example.com")
    assert log_in(client).status_code == 429
    assert logged_in(log_in(Client(), REMOTE_ADDR="198.51.100.7"))


def test_the_account_count_ignores_case_and_spaces(client, user):
    fail(client, 5, email="  ANA@Example.com ")
    assert log_in(client, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_logging_in_forgets_the_accounts_failures(client, user):
    fail(client, 4)
    assert logged_in(log_in(client))
    other_browser = Client()
    fail(other_browser, 4)
    assert logged_in(log_in(other_browser))


def test_clearing_an_accounts_failures_keeps_the_clients(user):
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.1")
    for _ in range(20):
        record_failure(request=request, email="ana@example.com")
    clear_account_failures(email="ana@example.com")
    assert lockout_for(request=None, email="ana@example.com") is None
    assert lockout_for(request=request, email=None) is not None


def test_failures_are_counted_per_account_without_a_request(user):
    for _ in range(4):
        record_failure(request=None, email="ana@example.com")
    assert lockout_for(request=None, email="ana@example.com") is None
    record_failure(request=None, email="ana@example.com")
    assert lockout_for(request=None, email="ana@example.com") is not None
    assert lockout_for(request=None, email="bo@example.com") is None


def test_failures_without_an_email_count_against_the_client_only():
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.1")
    for _ in range(19):
        record_failure(request=request, email="")
    assert lockout_for(request=request, email=None) is None
    record_failure(request=request, email=None)
    assert lockout_for(request=request, email="") is not None
    other = RequestFactory().post("/", REMOTE_ADDR="203.0.113.2")
    assert lockout_for(request=other, email=None) is None


def test_the_cache_holds_neither_the_address_nor_the_email():
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.1")
    record_failure(request=request, email="ana@example.com")
    keys = " ".join(cache._cache)
    assert "203.0.113.1" not in keys
    assert "ana@example.com" not in keys
    assert keys.count("login-failures:1000:") == 2


def test_a_count_is_kept_for_the_15_minute_window(monkeypatch):
    timeouts = []
    real_add = cache.add

    def spy_add(key, value, timeout):
        timeouts.append((value, timeout))
        return real_add(key, value, timeout=timeout)

    monkeypatch.setattr(cache, "add", spy_add)
    record_failure(request=None, email="ana@example.com")
    assert timeouts == [(0, 900)]


def test_a_count_that_expired_between_add_and_incr_restarts_at_one(monkeypatch):
    stored = {}

    def expired(key, delta=1):
        raise ValueError(key)

    def spy_set(key, value, timeout):
        stored[key] = (value, timeout)

    monkeypatch.setattr(cache, "incr", expired)
    monkeypatch.setattr(cache, "set", spy_set)
    record_failure(request=None, email="ana@example.com")
    assert list(stored.values()) == [(1, 900)]


def test_the_backend_checks_the_password_when_nobody_is_locked_out(user):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.1")
    found = authenticate(
        request, username="ana@example.com", password="a-long-enough-passphrase-42"
    )
    assert found == user
    assert authenticate(request, username="ana@example.com", password="wrong") is None


def test_the_backend_refuses_the_right_password_while_the_account_is_locked(user):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.1")
    for _ in range(5):
        record_failure(request=None, email="ana@example.com")
    found = authenticate(
        request, username="ana@example.com", password="a-long-enough-passphrase-42"
    )
    assert found is None
