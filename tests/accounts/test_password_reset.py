"""Password reset by email: one mail, a link that works once, and no account enumeration: the
same answer, in the same time, for known and unknown addresses, and limits on the mail sent."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onboarding.accounts.mail import wait_for_mail
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import log_in, make_user, same_answer, sent_mail

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase-7"
# The limits as promised, written out here rather than imported from the code under test.
MAILS_PER_ADDRESS_AN_HOUR = 3
MAILS_PER_CLIENT_AN_HOUR = 10


def ask_for_reset(client, email="ana@example.com", **extra):
    return client.post("/accounts/password-reset/", {"email": email}, **extra)


def reset_link() -> str:
    (message,) = sent_mail()
    return re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body).group(1)


def set_password(client, link, password=NEW_PASSWORD):
    form_url = client.get(link)["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_a_reset_mails_a_link_that_sets_a_new_password(client, user):
    response = ask_for_reset(client)
    assert response["Location"] == "/accounts/password-reset/sent/"
    (message,) = sent_mail()
    assert message.to == ["ana@example.com"]
    assert "Reset your Step by step password" in message.subject

    response = set_password(client, reset_link())

    assert response["Location"] == "/accounts/password-reset/complete/"
    assert log_in(client, password=NEW_PASSWORD)["Location"] == "/account/"


def test_the_link_works_only_once(client, user):
    ask_for_reset(client)
    link = reset_link()
    set_password(client, link)
    page = client.get(link)
    assert page.status_code == 200
    assert "expired or has already been used" in page.text
    assert "new_password1" not in page.text


def test_an_expired_link_says_so(client, user, monkeypatch):
    ask_for_reset(client)
    link = reset_link()  # made now: the clock moves on only after
    later = datetime.datetime.now() + datetime.timedelta(hours=2)  # noqa: DTZ005 - as Django's
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    page = client.get(link)
    assert page.status_code == 200
    assert "expired or has already been used" in page.text


@pytest.mark.parametrize(
    "path", ["/accounts/password-reset/MQ/bad-token/", "/accounts/password-reset/%FF%FE/x-y/"]
)
def test_a_tampered_link_says_so_without_an_error(client, user, path):
    page = client.get(path)
    assert page.status_code == 200
    assert "This link does not work" in page.text


def test_an_unknown_email_gets_the_same_answer_as_a_known_one(client, user):
    known = ask_for_reset(client, "ana@example.com")
    unknown = ask_for_reset(client, "nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert same_answer(known) == same_answer(unknown)
    assert len(sent_mail()) == 1
    # The pages differ only in per-request tokens (CSP nonce, masked CSRF token), not in words.
    main = re.compile(r"<main.*</main>", re.DOTALL)
    pages = [main.search(client.get(r["Location"]).text).group() for r in (known, unknown)]
    assert pages[0] == pages[1]


def test_a_weak_new_password_is_refused(client, user):
    ask_for_reset(client)
    response = set_password(client, reset_link(), password="password")
    assert response.status_code == 200
    assert "This password is too common" in response.text


def test_the_answer_does_not_wait_for_the_mail(client, user, held_mail):
    started = time.perf_counter()
    response = ask_for_reset(client)
    answered_in = time.perf_counter() - started
    assert response.status_code == 302
    assert answered_in < 5  # the mail is held for ten
    assert list(mail.outbox) == []
    held_mail.set()
    (message,) = sent_mail()
    assert message.to == ["ana@example.com"]


def test_reset_mails_to_one_address_stop_at_three_an_hour(client, user):
    answers = [
        ask_for_reset(client, REMOTE_ADDR=f"203.0.113.{number}")
        for number in range(MAILS_PER_ADDRESS_AN_HOUR + 2)
    ]
    # Over the limit, the same answer: only the mail is not sent.
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, "/accounts/password-reset/sent/")
    }
    assert len(sent_mail()) == MAILS_PER_ADDRESS_AN_HOUR


def test_the_address_limit_is_case_blind(client, user):
    for number, spelling in enumerate(["ana@example.com", "ANA@example.com", "Ana@Example.com"]):
        ask_for_reset(client, spelling, REMOTE_ADDR=f"203.0.113.{number}")
    ask_for_reset(client, "aNa@example.COM", REMOTE_ADDR="203.0.113.9")
    assert len(sent_mail()) == MAILS_PER_ADDRESS_AN_HOUR


def test_reset_mails_asked_for_by_one_client_stop_at_ten_an_hour(client):
    for number in range(MAILS_PER_CLIENT_AN_HOUR + 2):
        make_user(email=f"person{number}@example.com")
    for number in range(MAILS_PER_CLIENT_AN_HOUR + 2):
        assert ask_for_reset(client, f"person{number}@example.com").status_code == 302
    assert len(sent_mail()) == MAILS_PER_CLIENT_AN_HOUR
    # Another client is not held back by this one.
    ask_for_reset(client, "person0@example.com", REMOTE_ADDR="198.51.100.7")
    assert len(sent_mail()) == MAILS_PER_CLIENT_AN_HOUR + 1


def test_a_client_over_its_limit_uses_up_no_addresses_allowance(client, user):
    for number in range(MAILS_PER_CLIENT_AN_HOUR):
        ask_for_reset(client, f"nobody{number}@example.com")
    for _ in range(MAILS_PER_ADDRESS_AN_HOUR):
        ask_for_reset(client)  # over the client's limit: no mail, and not counted for ana
    ask_for_reset(client, REMOTE_ADDR="198.51.100.7")
    assert len(sent_mail()) == 1


def test_known_and_unknown_addresses_do_the_same_work_during_the_request(db):
    """Counted, not timed: the request runs the same queries for a known and an unknown address;
    the one mail is sent after it, off its path (accounts/mail.py)."""
    make_user(email="known@example.com")
    client = Client()
    ask_for_reset(client, "warm@example.com", REMOTE_ADDR="198.18.0.1")  # warm up
    wait_for_mail()
    counts = {}
    for kind, address in (("known", "10.0.0.1"), ("unknown", "10.0.0.2")):
        sent_before = len(sent_mail())
        with CaptureQueriesContext(connection) as queries:
            response = ask_for_reset(client, f"{kind}@example.com", REMOTE_ADDR=address)
        assert response.status_code == 302
        counts[kind] = len(queries)
        wait_for_mail()
        assert len(sent_mail()) == sent_before + (kind == "known")
    assert counts["known"] == counts["unknown"]
