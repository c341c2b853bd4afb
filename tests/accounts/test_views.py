"""Sign-up, login and logout; the header, the "save your progress" prompt and the account page."""

from __future__ import annotations

import re

import pytest

from onboarding.accounts.models import User
from onboarding.journeys.models import Journey
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import PASSWORD, as_visitor, log_in, post_step, visitor_key_of

pytestmark = pytest.mark.django_db


def sign_up(client, email="new@example.com", password=PASSWORD, confirm=None, **extra):
    data = {"email": email, "password1": password, "password2": confirm or password, **extra}
    return client.post("/accounts/signup/", data)


def test_sign_up_creates_an_account_and_logs_in(client):
    response = sign_up(client, email="New@Example.com")
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    user = User.objects.get()
    assert user.email == "New@example.com"  # the domain is normalised, the name kept
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Your account is ready" in client.get("/account/").text


def test_sign_up_claims_the_visitors_journey(client, steps):
    post_step(client, steps["about"])
    post_step(client, steps["prepare"])
    sign_up(client)
    journey = Journey.objects.get()
    assert journey.user == User.objects.get()
    assert journey.visitor_key is None
    assert journey.progress.filter(status="done").count() == 2
    assert visitor_key_of(client) is None  # the cookie is dropped once its journeys are claimed
    assert "now saved to your account" in client.get("/account/").text


@pytest.mark.parametrize("taken", ["ana@example.com", "ANA@example.com", "ana@EXAMPLE.COM"])
def test_a_taken_email_is_refused_with_a_clear_message(client, user, taken):
    response = sign_up(client, email=taken)
    assert response.status_code == 200
    assert "An account with this email address already exists" in response.text
    assert User.objects.count() == 1


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
    assert sign_up(client, next="/guides/alipay/")["Location"] == "/guides/alipay/"
    other = Client()
    refused = sign_up(other, email="b@example.com", next="https://evil.example/")
    assert refused["Location"] == "/account/"


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

    log_in(phone, email="carla@example.com")
    account = phone.get("/account/").text
    assert 'href="/guides/alipay/sign-up/">Continue' in account
    step = phone.get("/guides/alipay/sign-up/")
    assert step.status_code == 200
    assert 'aria-current="step"' in step.text
    # What was answered on the laptop is there on the phone.
    answered = phone.get("/guides/alipay/about/").text
    assert re.search(r'value="outside"[^>]*checked', answered)
