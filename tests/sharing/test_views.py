"""Sharing pages: create, copy and revoke links, and the helper's read-only share page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onboarding.accounts.models import User
from onboarding.journeys.models import Journey, StepProgress
from onboarding.sharing.models import ShareLink
from onboarding.sharing.services import create_share_link
from tests.browser_like_client import BrowserLikeClient
from tests.factories import make_guide, management, post_step, valid_fields
from tests.qr_reader import encodes, svgs_in

pytestmark = pytest.mark.django_db

CREATE = "/guides/alipay/share-links/new/"
SHARE_URL = re.compile(r'value="(http://testserver/share/([A-Za-z0-9_-]{43})/)"')
GUIDE_TITLE = "Set up Alipay: a guide for visitors without a Chinese bank account"
PREPARE_TITLE = "Get your passport, phone and card ready"
# Typed on the way through the guide: checked on the page, never kept (so never shown).
PHONE_NUMBER = "07400 123456"
PASSPORT_EXPIRY = datetime.date(2031, 3, 17)


def create_link(client, lifetime="7d", **headers):
    """POST the create form; return the response and the new link's URL and token."""
    data = {"lifetime": lifetime, "next": "/guides/alipay/"}
    response = client.post(CREATE, data, headers=headers)
    match = SHARE_URL.search(response.text)
    return response, (match[1], match[2]) if match else (None, None)


def revoke(client, link, **extra):
    return client.post(f"/share-links/{link.pk}/revoke/", {"next": "/guides/alipay/"}, **extra)


def walk_the_guide(client, steps):
    """Walk every step of the guide in its order, typing a phone number and a passport's expiry
    date for their checks, and giving answers of its own on the passport and card steps."""
    typed = {
        "sign-up": {"sign-up-country": "GB", "sign-up-number": PHONE_NUMBER},
        "verify-passport": {
            **valid_fields(steps["verify-passport"]),
            "verify-passport-issuing_country": "NZ",
            "verify-passport-expiry_date": PASSPORT_EXPIRY.isoformat(),
        },
        "link-card": {"link-card-network": "jcb"},
    }
    for step in sorted(steps.values(), key=lambda step: step.order):
        fields = typed.get(step.slug, valid_fields(step))
        assert post_step(client, step, fields).status_code == 302, step.slug


def flatten(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from flatten(item)
    elif isinstance(value, list):
        for item in value:
            yield from flatten(item)
    elif isinstance(value, str) and value:
        yield value


# --- Creating ----------------------------------------------------------------------------------


def test_before_the_first_save_there_is_nothing_to_share(client, alipay):
    page = client.get("/guides/alipay/").text
    assert "nothing to share yet" in page
    assert "Create a share link" not in page


def test_creating_without_a_journey_explains_and_creates_nothing(client, alipay):
    response, (url, _) = create_link(client)
    assert response.status_code == 200
    assert "nothing to share yet" in response.text
    assert url is None
    assert not ShareLink.objects.exists()


def test_the_task_list_offers_to_create_a_link(client, steps):
    post_step(client, steps["about"])
    page = client.get("/guides/alipay/").text
    assert 'action="/guides/alipay/share-links/new/"' in page
    assert 'value="7d"' in page and 'value="30d"' in page and 'value="never"' in page


def test_the_finish_page_offers_to_create_a_link(client, steps):
    walk_the_guide(client, steps)
    page = client.get("/guides/alipay/done/").text
    assert "Share your progress" in page
    assert 'action="/guides/alipay/share-links/new/"' in page


def test_a_new_link_is_shown_once_with_a_copy_field_and_a_qr_code(client, steps):
    post_step(client, steps["about"])
    response, (url, token) = create_link(client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert '<input type="text" class="share-url" id="share-url-' in response.text
    assert "readonly" in response.text
    assert "data-copy=" in response.text and " hidden>Copy link" in response.text
    [svg] = svgs_in(response.text)
    assert encodes(svg, url)
    # Shown once: the personal page lists the link but can no longer show its token.
    page = client.get("/guides/alipay/").text
    assert token not in page
    assert "Revoke" in page


def test_htmx_gets_the_share_panel_alone(client, steps):
    post_step(client, steps["about"])
    response, (url, _) = create_link(client, HX_Request="true")
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="share-panel-alipay"')
    assert url is not None
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(("lifetime", "days"), [("7d", 7), ("30d", 30), ("never", None)])
def test_the_person_chooses_how_long_the_link_works(client, steps, lifetime, days):
    post_step(client, steps["about"])
    create_link(client, lifetime=lifetime)
    link = ShareLink.objects.get()
    span = link.expires_at - link.created_at if link.expires_at else None
    assert span == (datetime.timedelta(days=days) if days else None)


@pytest.mark.parametrize("lifetime", ["forever", "", "7" * 500])
def test_a_bad_lifetime_gets_a_clear_message_and_no_link(client, steps, lifetime):
    post_step(client, steps["about"])
    response, (url, _) = create_link(client, lifetime=lifetime)
    assert response.status_code == 200
    assert "Choose" in response.text and "error-message" in response.text
    assert url is None
    assert not ShareLink.objects.exists()


def test_creating_for_an_unknown_guide_is_a_404(client, steps):
    post_step(client, steps["about"])
    response = client.post("/guides/no-such-guide/share-links/new/", {"lifetime": "7d"})
    assert response.status_code == 404
    assert not ShareLink.objects.exists()


def test_creating_needs_a_post(client, steps):
    post_step(client, steps["about"])
    assert client.get(CREATE).status_code == 405


def test_a_signed_in_person_shares_their_own_journey(client, steps):
    user = User.objects.create_user("owner@example.com", "a long pass phrase")
    client.force_login(user)
    post_step(client, steps["about"])
    _, (url, _) = create_link(client)
    assert ShareLink.objects.get().journey.user == user
    assert BrowserLikeClient().get(url).status_code == 200


# --- Revoking ----------------------------------------------------------------------------------


def test_revoking_kills_the_link_and_returns_to_the_page(client, steps):
    post_step(client, steps["about"])
    _, (url, _) = create_link(client)
    response = revoke(client, ShareLink.objects.get())
    assert response.status_code == 302
    assert response["Location"] == "/guides/alipay/"
    assert BrowserLikeClient().get(url).status_code == 404
    page = client.get("/guides/alipay/").text
    assert "The link is revoked" in page
    assert "Revoke<" not in page


def test_revoking_with_htmx_returns_the_panel(client, steps):
    post_step(client, steps["about"])
    create_link(client)
    response = revoke(client, ShareLink.objects.get(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="share-panel-alipay"')
    assert "The link is revoked" in response.text


def test_a_second_revoke_is_harmless(client, steps):
    post_step(client, steps["about"])
    create_link(client)
    link = ShareLink.objects.get()
    assert revoke(client, link).status_code == 302
    first = ShareLink.objects.get().revoked_at
    assert revoke(client, link).status_code == 302
    assert ShareLink.objects.get().revoked_at == first


def test_revoking_someone_elses_link_is_a_404(client, steps):
    post_step(client, steps["about"])
    _, (url, _) = create_link(client)
    stranger = BrowserLikeClient()
    post_step(stranger, steps["about"])
    assert revoke(stranger, ShareLink.objects.get()).status_code == 404
    assert revoke(BrowserLikeClient(), ShareLink.objects.get()).status_code == 404
    assert client.post("/share-links/999999/revoke/").status_code == 404
    assert BrowserLikeClient().get(url).status_code == 200


def test_revoking_never_redirects_off_the_site(client, steps):
    post_step(client, steps["about"])
    create_link(client)
    link = ShareLink.objects.get()
    response = client.post(f"/share-links/{link.pk}/revoke/", {"next": "https://evil.example/"})
    assert response["Location"] == "/guides/alipay/"


# --- The share page ----------------------------------------------------------------------------


def test_done_when_a_link_opens_elsewhere_encodes_its_qr_and_dies_when_revoked(client, steps):
    walk_the_guide(client, steps)
    response, (url, _) = create_link(client)
    [svg] = svgs_in(response.text)
    assert encodes(svg, url)
    helper = BrowserLikeClient()
    shared = helper.get(url)
    assert shared.status_code == 200
    assert GUIDE_TITLE in shared.text
    assert "14 of 14" in shared.text
    revoke(client, ShareLink.objects.get())
    assert helper.get(url).status_code == 404


def test_the_share_page_shows_no_personal_data_and_no_answers(steps):
    owner = BrowserLikeClient()
    user = User.objects.create_user("owner.person@example.net", "a long pass phrase")
    owner.force_login(user)
    walk_the_guide(owner, steps)
    _, (url, token) = create_link(owner)
    page = BrowserLikeClient().get(url).text

    # What the person said, as their own finish page shows it: never on the shared page.
    summary = owner.get("/guides/alipay/done/").text
    for answer in ("New Zealand", "JCB", "Valid for more than six months"):
        assert answer in summary
        assert answer not in page
    answers = {value for row in StepProgress.objects.all() for value in flatten(row.answers)}
    assert {"NZ", "jcb", "over_six_months", "payment_password"} <= answers
    for value in ("NZ", "jcb", "over_six_months", "payment_password"):
        assert not re.search(rf"\b{value}\b", page), value
    expiry = PASSPORT_EXPIRY
    for personal in ("owner.person@example.net", "7400123456", "7400 123456", "123456",
                     expiry.isoformat(), f"{expiry.day} {expiry:%B %Y}", token):  # fmt: skip
        assert personal not in page


def test_the_share_page_lists_the_steps_taken_with_status_and_date(client, steps):
    # In mainland China already: the VPN step is not needed, so it is not listed.
    post_step(client, steps["about"], {"about-location": "inside", "about-has_account": "no"})
    _, (url, _) = create_link(client)
    page = BrowserLikeClient().get(url).text
    assert "1 of 13" in page
    for step in steps.values():
        assert (step.title in page) is (step.slug != "vpn"), step.slug
    assert "Not needed" not in page
    today = timezone.now()
    assert f"Done on {today.day} {today:%B %Y}" in page
    assert "Not started" in page
    assert f"Next for them: <strong>{PREPARE_TITLE}</strong>" in page


def test_the_share_page_says_where_the_person_is_stuck(client, steps):
    post_step(client, steps["about"])
    prepare = steps["prepare"]
    client.post(prepare.get_absolute_url(), {**management("prepare"), "stuck": "1"})
    _, (url, _) = create_link(client)
    page = BrowserLikeClient().get(url).text
    assert "Where they are stuck" in page
    assert f"<li>{PREPARE_TITLE}</li>" in page  # in the stuck box, not the step list
    assert "Stuck since" in page


def test_the_share_page_sends_private_headers(client, steps):
    post_step(client, steps["about"])
    _, (url, _) = create_link(client)
    response = BrowserLikeClient().get(url)
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"


def test_the_share_page_sends_no_cookies_and_no_scripts(client, steps):
    post_step(client, steps["about"])
    _, (url, _) = create_link(client)
    response = BrowserLikeClient().get(url)
    assert not response.cookies
    assert "<script" not in response.text


def test_unknown_expired_revoked_and_malformed_tokens_give_the_same_404(client, steps):
    post_step(client, steps["about"])
    _, (_, expired) = create_link(client)
    ShareLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    _, (_, revoked) = create_link(client)
    revoke(client, ShareLink.objects.get(revoked_at__isnull=True, expires_at__gt=timezone.now()))
    helper = BrowserLikeClient()
    unknown = "A" * 43
    bodies = set()
    for token in (unknown, expired, revoked, "short", "x" * 3000, "%E2%9C%93/../a", "a/b/c"):
        response = helper.get(f"/share/{token}/")
        assert response.status_code == 404, token
        assert response["Cache-Control"] == "no-store"
        assert response["X-Robots-Tag"] == "noindex"
        assert token not in response.text
        bodies.add(response.content)
    assert len(bodies) == 1
    assert b"Page not found" in bodies.pop()


def test_more_than_20_misses_a_minute_from_one_address_get_429(client, steps):
    post_step(client, steps["about"])
    _, (url, _) = create_link(client)
    guesser = BrowserLikeClient(REMOTE_ADDR="198.51.100.7")
    for number in range(20):
        assert guesser.get(f"/share/{'B' * 42}{number % 10}/").status_code == 404
    refused = guesser.get(f"/share/{'C' * 43}/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused["Cache-Control"] == "no-store"
    # Once refused, even a real link is refused to that address; other addresses go on.
    assert guesser.get(url).status_code == 429
    assert BrowserLikeClient(REMOTE_ADDR="198.51.100.8").get(url).status_code == 200


def test_hits_are_not_counted_as_misses(client, steps):
    post_step(client, steps["about"])
    _, (url, _) = create_link(client)
    helper = BrowserLikeClient()
    for _ in range(25):
        assert helper.get(url).status_code == 200


@pytest.mark.parametrize("size", [5, 60])
def test_the_share_page_takes_at_most_3_queries_whatever_the_size(client, size):
    guide = make_guide(steps=size, slug=f"g{size}")
    post_step(client, guide.steps.first())
    _, token = create_share_link(journey=Journey.objects.get(), lifetime="7d")
    helper = BrowserLikeClient()
    helper.get(f"/share/{token}/")  # warm the structure cache, as any earlier visitor would
    with CaptureQueriesContext(connection) as queries:
        response = helper.get(f"/share/{token}/")
    assert response.status_code == 200
    assert f"1 of {size}" in response.text
    assert len(queries) <= 3


def test_robots_txt_disallows_share_pages(client):
    assert "Disallow: /share/" in client.get("/robots.txt").text


def test_behind_a_proxy_misses_are_counted_per_client_not_per_proxy(client, settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    unknown = "/share/" + "A" * 43 + "/"
    for _ in range(20):
        assert client.get(unknown, headers={"X-Real-IP": "203.0.113.7"}).status_code == 404
    assert client.get(unknown, headers={"X-Real-IP": "203.0.113.7"}).status_code == 429
    assert client.get(unknown, headers={"X-Real-IP": "198.51.100.2"}).status_code == 404
