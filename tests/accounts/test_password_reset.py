"""Password reset by email: one mail, a link that works once, and no account enumeration."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail

from tests.factories import log_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase-7"


def ask_for_reset(client, email="ana@example.com"):
    return client.post("/accounts/password-reset/", {"email": email})


def reset_link() -> str:
    (message,) = mail.outbox
    return re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body).group(1)


def set_password(client, link, password=NEW_PASSWORD):
    form_url = client.get(link)["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_a_reset_mails_a_link_that_sets_a_new_password(client, user):
    response = ask_for_reset(client)
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox[0].to == ["ana@example.com"]
    assert "Reset your Step by step password" in mail.outbox[0].subject

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
    later = datetime.datetime.now() + datetime.timedelta(hours=2)  # noqa: DTZ005 - as Django's
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    page = client.get(reset_link())
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
    assert len(mail.outbox) == 1
    # The pages differ only in per-request tokens (CSP nonce, masked CSRF token), not in words.
    main = re.compile(r"<main.*</main>", re.DOTALL)
    pages = [main.search(client.get(r["Location"]).text).group() for r in (known, unknown)]
    assert pages[0] == pages[1]


def test_a_weak_new_password_is_refused(client, user):
    ask_for_reset(client)
    response = set_password(client, reset_link(), password="password")
    assert response.status_code == 200
    assert "This password is too common" in response.text
