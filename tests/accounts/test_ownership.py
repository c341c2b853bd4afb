"""Only the owner reaches a journey: no URL or form field leads to someone else's."""

from __future__ import annotations

import re

import pytest

from onboarding.journeys.models import Journey
from onboarding.sharing.models import ShareLink
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import PASSWORD, post_step, valid_fields, visitor_key_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def bos_journey(other_user, steps):
    """Bo's journey: three steps done, an answer that steers the guide."""
    bo = Client()
    bo.force_login(other_user)
    for slug in ["about", "prepare", "install"]:
        post_step(bo, steps[slug])
    return Journey.objects.get(user=other_user)


def test_another_users_progress_is_not_shown_anywhere(client, user, bos_journey):
    client.force_login(user)
    for url in ["/", "/guides/alipay/", "/guides/alipay/progress/", "/account/"]:
        page = client.get(url).text
        assert "3 of" not in page, url
    # A step Bo finished is not finished for Ana, and his answers are not hers.
    about = client.get("/guides/alipay/about/").text
    assert "Done on" not in about
    assert not re.search(r'value="outside"[^>]*checked', about)
    assert "Done on" not in client.get("/guides/alipay/prepare/").text
    # Ana's finish page sends her to her own first unfinished step, not past Bo's.
    assert client.get("/guides/alipay/done/")["Location"] == "/guides/alipay/about/"


@pytest.mark.parametrize(
    "field", ["journey", "journey_id", "user", "user_id", "visitor_key", "session_key"]
)
def test_a_form_field_naming_another_journey_changes_only_your_own(
    client, user, steps, bos_journey, field
):
    client.force_login(user)
    step = steps["about"]
    value = bos_journey.pk if field.startswith("journey") else bos_journey.user_id
    post_step(client, step, {**valid_fields(step), field: value})
    assert bos_journey.progress.count() == 4
    assert Journey.objects.get(user=user).progress.filter(status="done").count() == 1


@pytest.mark.parametrize(
    "url",
    ["/account/journeys/{pk}/", "/account/export/{pk}/", "/guides/{pk}/", "/share/{pk}/"],
)
def test_journey_ids_in_urls_lead_nowhere(client, user, bos_journey, url):
    client.force_login(user)
    assert client.get(url.format(pk=bos_journey.pk)).status_code == 404


def test_a_journey_id_in_a_step_url_leads_only_to_your_own_first_step(client, user, bos_journey):
    """Not a step of the guide: formtools sends the person to the guide's first step, theirs."""
    client.force_login(user)
    response = client.get(f"/guides/alipay/{bos_journey.pk}/")
    assert response["Location"] == "/guides/alipay/about/"
    assert "Done on" not in client.get(response["Location"]).text


def test_a_visitors_journey_belongs_to_their_browser_alone(steps):
    first, second = Client(), Client()
    post_step(first, steps["about"])
    assert "Start now" in second.get("/").text
    assert "Done on" not in second.get("/guides/alipay/about/").text
    # Each browser's finish page sends it to its own first unfinished step.
    assert first.get("/guides/alipay/done/")["Location"] == "/guides/alipay/prepare/"
    assert second.get("/guides/alipay/done/")["Location"] == "/guides/alipay/about/"


def test_a_visitor_key_sent_as_a_parameter_is_ignored(client, steps):
    owner = Client()
    post_step(owner, steps["about"])
    key = visitor_key_of(owner)
    assert "<strong>1 of 14</strong> steps done" in owner.get("/guides/alipay/").text
    page = client.get("/guides/alipay/", {"visitor_key": key, "session_key": key}).text
    assert "<strong>0 of 14</strong> steps done" in page


def test_logging_in_cannot_claim_someone_elses_visitor_journey(client, user, steps):
    owner = Client()
    post_step(owner, steps["about"])
    key = visitor_key_of(owner)
    # A real login, with the right password: a claim would happen now if the key were taken.
    response = client.post(
        f"/accounts/login/?visitor_key={key}",
        {"username": "ana@example.com", "password": PASSWORD, "visitor_key": key},
    )
    assert response["Location"] == "/account/"
    assert client.session["_auth_user_id"] == str(user.pk)
    journey = Journey.objects.get()
    assert (journey.user, journey.visitor_key) == (None, key)
    assert "<strong>0 of 14</strong> steps done" in client.get("/account/").text


def test_another_users_share_link_cannot_be_revoked(client, user, bos_journey):
    link = ShareLink.objects.create(journey=bos_journey, token_hash="c" * 64)
    client.force_login(user)
    assert client.post(f"/share-links/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_visitors_share_link_cannot_be_revoked_by_an_account(client, user, steps):
    visitor = Client()
    post_step(visitor, steps["about"])
    link = ShareLink.objects.create(journey=Journey.objects.get(), token_hash="d" * 64)
    client.force_login(user)
    assert client.post(f"/share-links/{link.pk}/revoke/").status_code == 404
