"""Sign-up (by a mailed link), login and logout; the header, the "save your progress" prompt and
the account page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail

from onboarding.accounts import services
from onboarding.accounts.models import User
from onboarding.journeys.models import Journey
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import (
    PASSWORD,
    as_visitor,
    finish_sign_up,
    log_in,
    post_step,
    same_answer,
    sent_mail,
    sign_up,
    signup_link,
    visitor_key_of,
)

pytestmark = pytest.mark.django_db


def test_sign_up_mails_a_link_and_creates_nothing_that_can_log_in_yet(client):
    response = sign_up(client, email="New@Example.com")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/sent/"
    assert (
        "Check your email to finish creating your account" in client.get(response["Location"]).text
    )
    user = User.objects.get()
    assert user.email == "New@example.com"  # the domain is normalised, the name kept
    assert not user.is_active
    assert "_auth_user_id" not in client.session
    (message,) = sent_mail()
    assert message.to == ["New@example.com"]
    assert message.subject == "Finish creating your Step by step account"
    assert log_in(client, email="New@example.com").status_code == 200  # not yet


def test_the_link_activates_the_account_and_logs_in_on_this_browser(client):
    sign_up(client, email="New@Example.com")
    response = finish_sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    user = User.objects.get()
    assert user.is_active
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Your account is ready" in client.get("/account/").text
    # From now on, the password chosen at sign-up logs in anywhere.
    assert log_in(Client(), email="new@example.com")["Location"] == "/account/"


def test_the_link_page_names_the_account_and_changes_nothing_until_pressed(client):
    sign_up(client)
    page = client.get(signup_link())
    assert "<strong>new@example.com</strong>" in page.text
    assert not User.objects.get().is_active
    assert "_auth_user_id" not in client.session


def test_the_link_works_only_once(client):
    sign_up(client)
    link = signup_link()
    finish_sign_up(client, link)
    client.post("/accounts/logout/")
    page = client.get(link)
    assert page.status_code == 200
    assert "This link does not work" in page.text
    response = client.post(link, {})
    assert "This link does not work" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "path",
    ["/accounts/signup/MQ/bad-token/", "/accounts/signup/%FF%FE/x-y/", "/accounts/signup/OTk5/x/"],
)
def test_a_tampered_link_says_so_without_an_error(client, path):
    sign_up(client)
    assert "This link does not work" in client.get(path).text
    assert "This link does not work" in client.post(path, {}).text
    assert not User.objects.get().is_active


def test_an_expired_link_says_so(client, monkeypatch):
    from onboarding.accounts.tokens import signup_token_generator

    sign_up(client)
    link = signup_link()
    later = datetime.datetime.now() + datetime.timedelta(hours=2)  # noqa: DTZ005 - as Django's
    monkeypatch.setattr(signup_token_generator, "_now", lambda: later)
    assert "This link does not work" in client.get(link).text


def test_a_sign_up_link_is_no_password_reset_link(client):
    sign_up(client)
    uid_and_token = signup_link().removeprefix("/accounts/signup/")
    page = client.get(f"/accounts/password-reset/{uid_and_token}", follow=True)
    assert "This link does not work" in page.text


def test_signing_up_again_before_confirming_sends_a_new_link_for_the_new_password(client):
    sign_up(client)
    first = signup_link()
    sign_up(client, password="a-second-passphrase-77")
    second = signup_link()
    assert first != second
    assert "This link does not work" in client.get(first).text
    finish_sign_up(client, second)
    assert (
        log_in(Client(), email="new@example.com", password="a-second-passphrase-77")["Location"]
        == "/account/"
    )
    assert User.objects.count() == 1


def test_sign_up_claims_the_visitors_journey(client, steps):
    post_step(client, steps["about"])
    post_step(client, steps["prepare"])
    sign_up(client)
    assert Journey.objects.get().user is None  # not before the link is followed
    finish_sign_up(client)
    journey = Journey.objects.get()
    assert journey.user == User.objects.get()
    assert journey.visitor_key is None
    assert journey.progress.filter(status="done").count() == 2
    assert visitor_key_of(client) is None  # the cookie is dropped once its journeys are claimed
    assert "now saved to your account" in client.get("/account/").text


@pytest.mark.parametrize("taken", ["ana@example.com", "ANA@example.com", "ana@EXAMPLE.COM"])
def test_a_known_address_gets_the_same_answer_as_a_new_one(user, taken):
    known, new = Client(), Client()
    known_answer = sign_up(known, email=taken)
    new_answer = sign_up(new, email="someone-new@example.com")
    assert known_answer.status_code == new_answer.status_code == 302
    assert same_answer(known_answer) == same_answer(new_answer)
    assert set(known.cookies) == set(new.cookies)
    # The pages differ only in per-request tokens (CSP nonce, masked CSRF token), not in words.
    main = re.compile(r"<main.*</main>", re.DOTALL)
    pages = [
        main.search(c.get(a["Location"]).text).group()
        for c, a in [(known, known_answer), (new, new_answer)]
    ]
    assert pages[0] == pages[1]


@pytest.mark.parametrize("taken", ["ana@example.com", "ANA@example.com"])
def test_a_known_address_is_mailed_how_to_log_in_and_nothing_changes(client, user, taken):
    sign_up(client, email=taken, password="an-attackers-passphrase-1")
    (message,) = sent_mail()
    assert message.to == ["ana@example.com"]  # the account's own address
    assert "already has an account" in message.body
    assert "http://testserver/accounts/login/" in message.body
    assert "http://testserver/accounts/password-reset/" in message.body
    assert User.objects.count() == 1
    assert log_in(client, password="an-attackers-passphrase-1").status_code == 200
    assert log_in(client)["Location"] == "/account/"


def test_both_sign_up_mails_are_sent_off_the_request_path(client, user, held_mail):
    assert sign_up(client).status_code == 302
    assert sign_up(Client(), email="ana@example.com").status_code == 302
    assert list(mail.outbox) == []
    held_mail.set()
    assert sorted(message.to[0] for message in sent_mail()) == [
        "ana@example.com",
        "new@example.com",
    ]


# The limit as promised, written out here rather than imported from the code under test.
SIGN_UPS_PER_CLIENT_AN_HOUR = 10


def test_sign_ups_from_one_client_stop_at_ten_an_hour(client):
    for number in range(SIGN_UPS_PER_CLIENT_AN_HOUR):
        assert sign_up(client, email=f"person{number}@example.com").status_code == 302
    refused = sign_up(client, email="one-more@example.com")
    assert refused.status_code == 429
    assert "Too many tries: try again in 60 minutes." in refused.text
    assert refused["Retry-After"] == "3600"
    assert len(sent_mail()) == SIGN_UPS_PER_CLIENT_AN_HOUR
    assert not User.objects.filter(email="one-more@example.com").exists()
    # Another client is not held back by this one.
    data = {"email": "one-more@example.com", "password1": PASSWORD, "password2": PASSWORD}
    elsewhere = client.post("/accounts/signup/", data, REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302


def test_a_known_address_counts_towards_the_sign_up_limit_too(client, user):
    for _ in range(SIGN_UPS_PER_CLIENT_AN_HOUR):
        sign_up(client, email="ana@example.com")
    assert sign_up(client).status_code == 429


@pytest.mark.parametrize(
    "email", ["4111111111111111@example.com", "4111.1111.1111.1111@example.com"]
)
def test_a_card_number_as_the_email_is_refused_by_the_secrets_guard(client, email):
    response = sign_up(client, email=email)
    assert response.status_code == 200
    assert "This looks like a card number" in response.text
    assert not User.objects.exists()
    assert sent_mail() == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short"),
        ("password123", "This password is too common"),
        ("83920174650183", "This password is entirely numeric"),
        ("new@example.com", "too similar to the email address"),
    ],
)
def test_a_weak_password_is_refused_by_djangos_validators(client, password, message):
    response = sign_up(client, password=password)
    assert response.status_code == 200
    assert message in response.text
    assert "There is a problem" in response.text
    assert not User.objects.exists()
    assert sent_mail() == []


def test_mismatched_passwords_are_refused(client):
    response = sign_up(client, confirm="a-different-passphrase-42")
    assert response.status_code == 200
    assert "The two passwords are not the same" in response.text
    assert not User.objects.exists()


def test_a_bad_email_address_is_refused(client):
    response = sign_up(client, email="not-an-address")
    assert response.status_code == 200
    assert "Enter a valid email address" in response.text


def test_login_rotates_the_session_key_and_keeps_the_visitor_key_until_claimed(client, user, steps):
    as_visitor(client, "a-visitor-key")
    post_step(client, steps["about"])
    assert Journey.objects.get().visitor_key == "a-visitor-key"
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key
    response = log_in(client)
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(user.pk)
    # The key outlived the rotation long enough for the claim, then was dropped.
    journey = Journey.objects.get()
    assert (journey.user, journey.visitor_key) == (user, None)
    assert visitor_key_of(client) is None


def test_wrong_password_gives_a_clear_message(client, user):
    response = log_in(client, password="not-the-password")
    assert response.status_code == 200
    assert "The email address or password is not right" in response.text
    assert "_auth_user_id" not in client.session


def test_login_works_whatever_the_case_of_the_email(client, user):
    assert log_in(client, email="ANA@Example.COM")["Location"] == "/account/"


def test_logout_is_post_only(client, user):
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_clears_the_session(client, user, steps):
    log_in(client)
    post_step(client, steps["about"])
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/"
    assert dict(client.session) == {}
    assert "You have logged out" in client.get("/").text
    # The progress stays with the account, not with this browser.
    assert "Start now" in client.get("/").text


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "https:/evil.example",
        "javascript:alert(1)",
        "/\\evil.example",
    ],
)
def test_a_next_to_another_site_is_not_followed_and_is_explained(client, user, target):
    page = client.get("/accounts/login/", {"next": target})
    assert page.status_code == 200
    assert "wanted to send you to another website" in page.text
    response = log_in(client, next=target)
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert "We have brought you to your account page instead" in client.get("/account/").text


def test_a_next_on_this_site_is_followed(client, user):
    response = log_in(client, next="/guides/alipay/prepare/")
    assert response["Location"] == "/guides/alipay/prepare/"


def test_sign_up_follows_a_next_on_this_site_and_refuses_others(client):
    sign_up(client, next="/guides/alipay/")
    assert "?next=%2Fguides%2Falipay%2F" in signup_link()
    assert finish_sign_up(client)["Location"] == "/guides/alipay/"
    other = Client()
    sign_up(other, email="b@example.com", next="https://evil.example/")
    link = signup_link(to="b@example.com")
    assert "evil" not in link
    assert finish_sign_up(other, link)["Location"] == "/account/"


def test_logged_in_people_are_sent_on_from_login_and_sign_up(client, user):
    client.force_login(user)
    assert client.get("/accounts/login/")["Location"] == "/account/"
    assert client.get("/accounts/signup/")["Location"] == "/account/"


def test_the_header_offers_visitors_login_and_sign_up(client, alipay):
    page = client.get("/").text
    assert 'href="/accounts/login/"' in page
    assert 'href="/accounts/signup/"' in page
    assert "Your account" not in page


def test_the_header_shows_users_their_email_account_and_logout(client, user, alipay):
    client.force_login(user)
    page = client.get("/").text
    assert "ana@example.com" in page
    assert 'href="/account/"' in page
    assert '<form method="post" action="/accounts/logout/">' in page
    assert 'href="/accounts/login/"' not in page


def test_step_pages_invite_visitors_to_save_their_progress(client, steps):
    page = client.get("/guides/alipay/about/").text
    assert "Save your progress" in page
    assert 'href="/accounts/signup/?next=/guides/alipay/about/"' in page
    # The prompt is part of the step content, so htmx swaps bring it along.
    partial = client.get("/guides/alipay/about/", headers={"HX-Request": "true"}).text
    assert "Save your progress" in partial


def test_step_pages_do_not_ask_users_to_save(client, user, steps):
    client.force_login(user)
    assert "Save your progress" not in client.get("/guides/alipay/about/").text


def test_a_logged_in_step_page_stays_within_the_query_budget(
    client, user, steps, django_assert_max_num_queries
):
    client.force_login(user)
    post_step(client, steps["about"])
    client.get("/guides/alipay/prepare/")  # warm the structure cache
    with django_assert_max_num_queries(4):
        assert client.get("/guides/alipay/prepare/").status_code == 200


def test_the_account_page_needs_a_login(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/"


def test_the_account_page_shows_each_guide_with_progress_and_continue(client, user, steps):
    client.force_login(user)
    post_step(client, steps["about"])
    page = client.get("/account/").text
    assert "Alipay" in page
    assert "<strong>1 of 14</strong> steps done" in page
    assert 'href="/guides/alipay/prepare/">Continue' in page
    assert "Download my data" in page and 'href="/account/delete/"' in page


PERSONAL_PAGES = ["/account/", "/account/export/", "/account/delete/"]


def test_the_account_page_lists_the_share_links_of_each_started_guide(client, user, steps):
    client.force_login(user)
    assert "Share your progress" not in client.get("/account/").text
    post_step(client, steps["about"])
    client.post("/guides/alipay/share-links/new/", {"lifetime": "7d", "next": "/account/"})
    page = client.get("/account/").text
    assert "Share your progress" in page
    assert "Your links that work now" in page
    assert page.count('action="/share-links/') == 1


@pytest.mark.parametrize("url", [*PERSONAL_PAGES, "/accounts/login/", "/accounts/signup/"])
def test_personal_pages_are_never_cached(client, user, url):
    if url in PERSONAL_PAGES:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_person_carries_on_at_the_same_step_on_a_second_browser(steps):
    laptop, phone = Client(), Client()
    for slug in ["about", "prepare", "install"]:
        post_step(laptop, steps[slug])
    sign_up(laptop, email="carla@example.com")
    finish_sign_up(laptop)

    log_in(phone, email="carla@example.com")
    account = phone.get("/account/").text
    assert 'href="/guides/alipay/sign-up/">Continue' in account
    step = phone.get("/guides/alipay/sign-up/")
    assert step.status_code == 200
    assert 'aria-current="step"' in step.text
    # What was answered on the laptop is there on the phone.
    answered = phone.get("/guides/alipay/about/").text
    assert re.search(r'value="outside"[^>]*checked', answered)


def test_signing_up_again_never_reactivates_an_account_an_operator_blocked(client, user):
    log_in(client)
    client.post("/accounts/logout/")
    user.refresh_from_db()
    user.is_active = False
    user.save()
    sign_up(client, email="ana@example.com", password="a-new-passphrase-for-me-8")
    (message,) = sent_mail()
    assert "already has an account" in message.body
    user.refresh_from_db()
    assert not user.is_active
    assert log_in(client, password="a-new-passphrase-for-me-8").status_code == 200


# --- sign_up, the service ---------------------------------------------------------------------


def test_a_sign_up_that_lost_the_race_to_insert_takes_the_account_the_other_made(monkeypatch):
    first = User.objects.create_user("race@example.com", "first pass phrase", is_active=False)
    looked_up = []
    real_lookup = services._account_for

    def not_committed_yet_then_found(email):
        # The other sign-up had not committed when this one looked; it has by the retry.
        looked_up.append(email)
        return None if len(looked_up) == 1 else real_lookup(email)

    monkeypatch.setattr(services, "_account_for", not_committed_yet_then_found)
    account, awaits = services.sign_up(email="race@example.com", password="second pass phrase")

    assert (account.pk, awaits) == (first.pk, True)
    assert looked_up == ["race@example.com", "race@example.com"]
    account.refresh_from_db()
    assert account.check_password("second pass phrase")


def test_signing_up_with_a_confirmed_address_still_hashes_the_password_given(monkeypatch):
    # Every case takes the time of one hash, so that timing cannot tell which addresses exist.
    User.objects.create_user("known@example.com", "a long pass phrase")
    hashed = []
    monkeypatch.setattr(services, "make_password", hashed.append)
    account, awaits = services.sign_up(email="known@example.com", password="another pass phrase")

    assert awaits is False
    assert hashed == ["another pass phrase"]
