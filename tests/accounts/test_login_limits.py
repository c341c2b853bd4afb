"""Failed logins are limited per account (as stored) and per client address, in the database.

django-axes counts them; the worker case (two gunicorn workers sharing one SQLite file) is in
tests/web/test_limits_across_workers.py.
"""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.db.models import F

from onboarding.accounts.login_limits import account_key
from tests.factories import PASSWORD, everything_stored, log_in, make_user

pytestmark = pytest.mark.django_db

# The limits as promised, written out here: a test that imported them from the code under test
# would pass whatever they were changed to.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_CLIENT = 20
COOL_OFF = datetime.timedelta(minutes=15)
LOCKED = "Too many tries: try again in 15 minutes."


def fail(client, times, email="ana@example.com", **extra):
    """Wrong passwords: each is told so, until the one that reaches a limit gets the lockout."""
    responses = [
        log_in(client, email=email, password="wrong-password", **extra) for _ in range(times)
    ]
    assert all(response.status_code == 200 for response in responses[:-1])
    return responses[-1]


def admin_log_in(client, username, password="wrong-password"):
    data = {"username": username, "password": password, "this_is_the_login_form": "1"}
    return client.post("/admin/login/?next=/admin/", {**data, "next": "/admin/"})


def time_passes(delta: datetime.timedelta) -> None:
    """Move every counted failure back in time, as if `delta` had gone by since."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def test_an_account_is_locked_at_its_fifth_failure(client, user):
    assert "is not right" in fail(client, MAX_FAILURES_PER_ACCOUNT - 1).text
    locked = fail(client, 1)
    assert locked.status_code == 429
    assert LOCKED in locked.text


def test_the_right_password_is_refused_after_the_lockout(client, user):
    fail(client, MAX_FAILURES_PER_ACCOUNT)
    response = log_in(client)
    assert response.status_code == 429
    assert LOCKED in response.text
    assert 890 <= int(response["Retry-After"]) <= 900
    assert "no-store" in response["Cache-Control"]
    assert "_auth_user_id" not in client.session
    # The password is not even tried: no "not right" message, and no failure counted.
    assert "is not right" not in response.text
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 5


def test_one_failure_less_than_the_limit_still_lets_the_owner_in(client, user):
    fail(client, MAX_FAILURES_PER_ACCOUNT - 1)
    assert log_in(client)["Location"] == "/account/"


def test_the_account_lock_holds_from_any_address(client, user):
    fail(client, MAX_FAILURES_PER_ACCOUNT, REMOTE_ADDR="203.0.113.1")
    assert log_in(client, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_the_account_lock_is_case_blind(client, user):
    fail(client, MAX_FAILURES_PER_ACCOUNT, email="ANA@example.com")
    assert log_in(client).status_code == 429


@pytest.mark.parametrize(
    "spelling",
    [
        "krıstin@example.com",  # dotless i: PostgreSQL's UPPER() makes it I
        "kriſtin@example.com",  # long s: UPPER() makes it S
        "\u212aristin@example.com",  # the Kelvin sign
        "KRISTIN@EXAMPLE.COM",
    ],
)
def test_spellings_the_database_folds_count_against_the_stored_account(client, spelling):
    """On PostgreSQL these reach the account, so they must not get a counter of their own."""
    make_user(email="kristin@example.com")
    assert account_key(None, {"username": spelling}) == "kristin@example.com"
    # The admin's form takes any text (ours wants a plain email address).
    for _ in range(MAX_FAILURES_PER_ACCOUNT - 1):
        assert admin_log_in(client, spelling).status_code == 200
    assert admin_log_in(client, "kristin@example.com").status_code == 429
    assert log_in(client, email="kristin@example.com").status_code == 429


def test_mixed_spellings_share_one_count(client):
    make_user(email="kristin@example.com")
    for spelling in ["krıstin@example.com", "kriſtin@example.com", "Kristin@Example.com"]:
        admin_log_in(client, spelling)
    admin_log_in(client, "\u212aristin@example.com")
    assert admin_log_in(client, "KRISTIN@example.com").status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"kristin@example.com"}


def test_a_name_with_no_account_is_counted_without_being_kept(client):
    """People type passwords into the email field: what is typed is kept only as a hash."""
    admin_log_in(client, "Tr0ub4dor&3-my-secret")
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.username.startswith("no-account:")
    assert "Tr0ub4dor" not in everything_stored()
    assert "wrong-password" not in everything_stored()


def test_a_client_is_locked_at_its_twentieth_failure_on_any_accounts(client, user):
    for number in range(MAX_FAILURES_PER_CLIENT - 1):
        assert fail(client, 1, email=f"guess{number}@example.com").status_code == 200
    assert fail(client, 1, email="guess-last@example.com").status_code == 429
    assert log_in(client).status_code == 429
    # The account itself was never attacked: from elsewhere its owner gets in.
    assert log_in(client, REMOTE_ADDR="198.51.100.7")["Location"] == "/account/"


def test_one_failure_less_than_the_client_limit_still_lets_anyone_in(client, user):
    for number in range(MAX_FAILURES_PER_CLIENT - 1):
        fail(client, 1, email=f"guess{number}@example.com")
    assert log_in(client)["Location"] == "/account/"


def test_the_lock_lifts_fifteen_minutes_after_the_last_failure(client, user):
    fail(client, MAX_FAILURES_PER_ACCOUNT)
    time_passes(COOL_OFF - datetime.timedelta(seconds=30))
    response = log_in(client)
    assert response.status_code == 429
    assert "try again in 1 minute." in response.text
    assert 25 <= int(response["Retry-After"]) <= 30
    time_passes(datetime.timedelta(seconds=30))
    assert log_in(client)["Location"] == "/account/"


def test_tries_while_locked_out_are_not_counted_and_do_not_extend_the_lock(client, user):
    fail(client, MAX_FAILURES_PER_ACCOUNT)
    for _ in range(3):
        assert log_in(client, password="wrong-password").status_code == 429
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 5
    time_passes(COOL_OFF)
    assert log_in(client)["Location"] == "/account/"


def test_logging_in_clears_the_accounts_failures_from_this_client(client, user):
    fail(client, MAX_FAILURES_PER_ACCOUNT - 1)
    log_in(client)
    client.post("/accounts/logout/")
    fail(client, MAX_FAILURES_PER_ACCOUNT - 1)
    assert log_in(client)["Location"] == "/account/"


def test_logging_in_to_ones_own_account_frees_no_guesses_at_another(client, user, other_user):
    fail(client, MAX_FAILURES_PER_ACCOUNT - 1)
    assert log_in(client, email="bo@example.com")["Location"] == "/account/"
    client.post("/accounts/logout/")
    assert fail(client, 1).status_code == 429


def test_clients_behind_a_proxy_are_told_apart_by_its_header(client, user, settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    for number in range(MAX_FAILURES_PER_CLIENT):
        fail(client, 1, email=f"guess{number}@example.com", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert log_in(client, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    # The proxy appends the address it saw: an entry the client wrote before it changes nothing.
    forged = "198.51.100.7, 203.0.113.1"
    assert log_in(client, HTTP_X_FORWARDED_FOR=forged).status_code == 429
    assert log_in(client, HTTP_X_FORWARDED_FOR="198.51.100.7")["Location"] == "/account/"


def test_a_proxy_header_that_is_no_address_is_counted_without_an_error(client, user, settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    assert fail(client, 1, HTTP_X_FORWARDED_FOR="not-an-address").status_code == 200
    assert AccessAttempt.objects.get().ip_address is None


def test_the_admin_login_form_is_refused_while_locked(client, user):
    """Axes' backend refuses before any password is checked, so the admin's form is no way round."""
    user.is_staff = True
    user.save()
    fail(client, MAX_FAILURES_PER_ACCOUNT)
    response = admin_log_in(client, "ana@example.com", password=PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.text
    assert "_auth_user_id" not in client.session
