"""Failed logins are limited per account and per client address, through the cache."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from onboarding.accounts import login_limits
from tests.factories import PASSWORD, log_in

pytestmark = pytest.mark.django_db

# The limits as promised, written out here: a test that imported them from the code under test
# would pass whatever they were changed to.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_CLIENT = 20
WINDOW_SECONDS = 15 * 60


def fail(client, times, email="ana@example.com", **extra):
    for _ in range(times):
        response = log_in(client, email=email, password="wrong-password", **extra)
        assert response.status_code == 200
    return response


def test_an_account_is_locked_after_too_many_failures(client, user, monkeypatch):
    monkeypatch.setattr(login_limits, "now", lambda: 1_000 * WINDOW_SECONDS)  # a window starts
    fail(client, MAX_FAILURES_PER_ACCOUNT)
    response = log_in(client)  # even the right password
    assert response.status_code == 429
    assert "too many failed attempts" in response.text
    assert "Try again in 15 minutes" in response.text
    assert response["Retry-After"] == str(WINDOW_SECONDS)
    assert "_auth_user_id" not in client.session
    # The password is not even tried: no "not right" message, and no failure counted.
    assert "is not right" not in response.text
    assert 'value="ana@example.com"' in response.text


def test_one_failure_less_than_the_limit_still_lets_the_owner_in(client, user):
    fail(client, MAX_FAILURES_PER_ACCOUNT - 1)
    assert log_in(client)["Location"] == "/account/"


def test_the_account_lock_holds_from_any_address(client, user):
    fail(client, MAX_FAILURES_PER_ACCOUNT, REMOTE_ADDR="203.0.113.1")
    assert log_in(client, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_the_account_lock_is_case_blind(client, user):
    fail(client, MAX_FAILURES_PER_ACCOUNT, email="ANA@example.com")
    assert log_in(client).status_code == 429


def test_a_client_is_locked_after_too_many_failures_on_any_accounts(client, user):
    for number in range(MAX_FAILURES_PER_CLIENT):
        fail(client, 1, email=f"guess{number}@example.com")
    assert log_in(client).status_code == 429
    # The account itself was never attacked: from elsewhere its owner gets in.
    assert log_in(client, REMOTE_ADDR="198.51.100.7")["Location"] == "/account/"


def test_one_failure_less_than_the_client_limit_still_lets_anyone_in(client, user):
    for number in range(MAX_FAILURES_PER_CLIENT - 1):
        fail(client, 1, email=f"guess{number}@example.com")
    assert log_in(client)["Location"] == "/account/"


def test_the_lock_lifts_when_the_window_ends(client, user, monkeypatch):
    start = 1_000 * WINDOW_SECONDS
    monkeypatch.setattr(login_limits, "now", lambda: start)
    fail(client, MAX_FAILURES_PER_ACCOUNT)
    assert log_in(client).status_code == 429
    monkeypatch.setattr(login_limits, "now", lambda: start + WINDOW_SECONDS - 1)
    response = log_in(client)
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    monkeypatch.setattr(login_limits, "now", lambda: start + WINDOW_SECONDS)
    assert log_in(client)["Location"] == "/account/"


def test_logging_in_clears_the_accounts_failures(client, user):
    fail(client, MAX_FAILURES_PER_ACCOUNT - 1)
    log_in(client)
    client.post("/accounts/logout/")
    fail(client, MAX_FAILURES_PER_ACCOUNT - 1)
    assert log_in(client)["Location"] == "/account/"


def test_clients_behind_a_proxy_are_told_apart_by_its_header(client, user, settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    for number in range(MAX_FAILURES_PER_CLIENT):
        fail(client, 1, email=f"guess{number}@example.com", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert log_in(client, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    # The proxy appends the address it saw: an entry the client wrote before it changes nothing.
    forged = "198.51.100.7, 203.0.113.1"
    assert log_in(client, HTTP_X_FORWARDED_FOR=forged).status_code == 429
    assert log_in(client, HTTP_X_FORWARDED_FOR="198.51.100.7")["Location"] == "/account/"


def test_every_login_form_is_refused_while_locked(client, user):
    """The backend refuses too, so another login form (the admin's) is no way round."""
    fail(client, MAX_FAILURES_PER_ACCOUNT)
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR="198.51.100.7")
    assert authenticate(request, username="ana@example.com", password="wrong-password") is None
    assert authenticate(request, username="ana@example.com", password=PASSWORD) is None
