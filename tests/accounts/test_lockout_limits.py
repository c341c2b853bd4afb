"""Failed-login limits with their numbers written out: 5 per account, 20 per client address, each
until 15 minutes pass without a new failure; every login here is a real one, with the right
password. (django-axes counts them in the database: see test_login_limits.py for spellings, the
admin's form and what is kept.)"""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.db.models import F
from django.test import RequestFactory
from django.utils import timezone

from onboarding.accounts.login_limits import account_key, retry_after
from onboarding.accounts.views import too_many_tries
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import PASSWORD, log_in

pytestmark = pytest.mark.django_db


def fail(client, times, email="ana@example.com", **meta):
    """Wrong passwords, each told so (none of these reaches a limit)."""
    for _ in range(times):
        assert log_in(client, email=email, password="wrong-password", **meta).status_code == 200


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/account/"


def minutes_pass(minutes: float) -> None:
    """As if this long had gone by since every failure counted so far."""
    delta = datetime.timedelta(minutes=minutes)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def test_four_failures_still_let_the_owner_in_with_the_right_password(client, user):
    fail(client, 4)
    assert logged_in(log_in(client))


def test_five_failures_lock_the_account_even_against_the_right_password(client, user):
    fail(client, 4)
    assert log_in(client, password="wrong-password").status_code == 429
    response = log_in(client)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_lasts_15_minutes_after_the_last_failure(client, user):
    fail(client, 4)
    log_in(client, password="wrong-password")
    response = log_in(client)
    assert 890 <= int(response["Retry-After"]) <= 900
    assert "Too many tries: try again in 15 minutes." in response.text
    minutes_pass(14.9)
    assert log_in(client).status_code == 429
    minutes_pass(0.1)
    assert logged_in(log_in(client))


def test_retry_after_counts_down_to_the_end_of_the_lockout(client, user):
    fail(client, 4)
    log_in(client, password="wrong-password")
    minutes_pass(14)
    response = log_in(client)
    assert 50 <= int(response["Retry-After"]) <= 60
    assert "try again in 1 minute." in response.text


def test_a_lockout_with_a_minute_and_a_second_left_says_two_minutes():
    request = RequestFactory().get("/")
    page = too_many_tries(request, wait=datetime.timedelta(seconds=61))
    assert "try again in 2 minutes." in page.text
    assert page["Retry-After"] == "61"
    assert (
        "try again in 1 minute." in too_many_tries(request, wait=datetime.timedelta(seconds=1)).text
    )


def test_failures_15_minutes_old_no_longer_count(client, user):
    fail(client, 4)
    minutes_pass(15)
    fail(client, 4)
    assert logged_in(log_in(client))


def test_nineteen_failures_from_one_address_on_other_accounts_still_let_anyone_in(client, user):
    for number in range(19):
        fail(client, 1, email=f"guess{number}@example.com")
    assert logged_in(log_in(client))


def test_twenty_failures_from_one_address_lock_that_address_out(client, user):
    for number in range(19):
        fail(client, 1, email=f"guess{number}@example.com")
    assert log_in(client, email="guess19@example.com", password="x").status_code == 429
    assert log_in(client).status_code == 429
    assert logged_in(log_in(Client(), REMOTE_ADDR="198.51.100.7"))


def test_the_account_count_ignores_case_and_spaces(client, user):
    fail(client, 4, email="  ANA@Example.com ")
    assert log_in(client, email=" ana@EXAMPLE.com", password="x").status_code == 429
    assert log_in(client, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_logging_in_forgets_the_accounts_failures(client, user):
    fail(client, 4)
    assert logged_in(log_in(client))
    other_browser = Client()
    fail(other_browser, 4)
    assert logged_in(log_in(other_browser))


def test_logging_in_keeps_the_accounts_failures_from_other_addresses(user):
    guesser = Client(REMOTE_ADDR="203.0.113.66")
    fail(guesser, 4)
    assert logged_in(log_in(Client(REMOTE_ADDR="198.51.100.7")))
    # The owner's login forgave only their own address: the fifth guess locks the account.
    assert log_in(guesser, password="wrong-password").status_code == 429


def test_logging_in_keeps_the_clients_failures_on_other_accounts(client, user):
    for number in range(19):
        fail(client, 1, email=f"guess{number}@example.com")
    assert logged_in(log_in(client))
    client.post("/accounts/logout/")
    # The twentieth failure from this address locks it out, login or not.
    assert log_in(client, email="guess19@example.com", password="x").status_code == 429


def test_failures_on_one_account_leave_another_alone(client, user, other_user):
    fail(client, 4)
    log_in(client, password="wrong-password")
    assert logged_in(log_in(client, email="bo@example.com"))


def test_failures_on_a_name_with_no_account_lock_no_account(client, user):
    fail(client, 4, email="nobody@example.com")
    assert log_in(client, email="nobody@example.com", password="x").status_code == 429
    assert logged_in(log_in(client))


def test_failures_are_forgotten_after_their_15_minutes(client, user):
    fail(client, 2, email="nobody@example.com")
    minutes_pass(15)
    fail(client, 1)  # each failure clears what has expired
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["ana@example.com"]


def test_the_backend_checks_the_password_when_nobody_is_locked_out(user):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.1")
    assert authenticate(request, username="ana@example.com", password=PASSWORD) == user
    assert authenticate(request, username="ana@example.com", password="wrong") is None


def test_the_backend_refuses_the_right_password_while_the_account_is_locked(client, user):
    fail(client, 4)
    log_in(client, password="wrong-password")
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.1")
    assert authenticate(request, username="ana@example.com", password=PASSWORD) is None


# --- retry_after, on failures written as axes keeps them ----------------------------------------


def failed_at(*, ago: datetime.timedelta, username: str, ip: str) -> None:
    attempt = AccessAttempt.objects.create(
        username=username,
        ip_address=ip,
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    # attempt_time is set on creation: move it back afterwards.
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - ago)


def retry_after_for(email: str, ip: str) -> datetime.timedelta:
    # The typed email comes as credentials only: the request itself carries no form.
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=ip)
    return retry_after(request, {"username": email})


def test_an_accounts_lockout_counts_down_from_its_latest_failure_from_any_address(user):
    failed_at(ago=datetime.timedelta(minutes=5), username="ana@example.com", ip="203.0.113.9")
    wait = retry_after_for("ana@example.com", "198.51.100.1")
    assert datetime.timedelta(minutes=9, seconds=59) < wait <= datetime.timedelta(minutes=10)


def test_an_addresss_lockout_counts_down_from_its_latest_failure_on_any_account(user):
    failed_at(ago=datetime.timedelta(minutes=12), username="ben@example.com", ip="198.51.100.1")
    wait = retry_after_for("ana@example.com", "198.51.100.1")
    assert datetime.timedelta(minutes=2, seconds=59) < wait <= datetime.timedelta(minutes=3)


def test_a_lockout_about_to_lift_still_says_one_second():
    failed_at(
        ago=datetime.timedelta(minutes=15) - datetime.timedelta(seconds=0.5),
        username="ana@example.com",
        ip="198.51.100.1",
    )
    assert retry_after_for("ana@example.com", "198.51.100.1") == datetime.timedelta(seconds=1)


def test_without_a_counted_failure_the_wait_is_the_whole_15_minutes():
    assert retry_after_for("ana@example.com", "198.51.100.1") == datetime.timedelta(minutes=15)


# --- account_key: which count a failure goes to ----------------------------------------------


def test_the_typed_name_is_read_from_the_login_post_when_axes_gives_no_credentials(user):
    request = RequestFactory().post("/accounts/login/", {"username": "ANA@example.com"})
    assert account_key(request, None) == "ana@example.com"


def test_a_request_looks_each_typed_name_up_once(user, django_assert_num_queries):
    request = RequestFactory().post("/accounts/login/")
    with django_assert_num_queries(1):
        first = account_key(request, {"username": "ana@example.com"})
        again = account_key(request, {"username": "ana@example.com"})
    assert first == again == "ana@example.com"


def test_names_with_no_account_that_fold_alike_share_one_count():
    # "ß" upper-cases to "SS": folded, "straße" and "STRASSE" are one name, as PostgreSQL's
    # UPPER() compares them.
    assert account_key(None, {"username": "straße@example.com"}) == account_key(
        None, {"username": "STRASSE@example.com"}
    )
