"""Journeys and share links in admin: read-only, filterable, revocable, and nothing personal."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onboarding.accounts.models import User
from onboarding.journeys.models import Journey, StepProgress
from onboarding.sharing.models import ShareLink
from onboarding.sharing.services import create_share_link
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import management, post_step

pytestmark = pytest.mark.django_db

JOURNEYS = "/admin/journeys/journey/"
SHARE_LINKS = "/admin/sharing/sharelink/"


@pytest.fixture
def walked(client, steps):
    """A visitor outside mainland China who signed up, then got stuck verifying the passport."""
    for slug in ["about", "prepare", "install", "sign-up"]:
        post_step(client, steps[slug])
    stuck_on = steps["verify-passport"]
    client.post(
        stuck_on.get_absolute_url(),
        {**management(stuck_on.slug), "stuck": "1", "problem": stuck_on.problems.first().pk},
    )
    return Journey.objects.get()


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(User.objects.create_superuser("root@example.com"))
    return client


def test_the_journey_list_shows_guide_progress_stuck_step_and_activity(editor_client, walked):
    response = editor_client.get(JOURNEYS)
    assert response.status_code == 200
    page = response.text
    assert '<td class="field-guide_slug">alipay</td>' in page  # the address is shorter
    assert "4 of 14 steps" in page
    assert "Verify your passport when the app asks" in page
    assert "Visitor" in page


def test_journeys_in_admin_show_no_answers_and_no_visitor_key(editor_client, walked):
    assert walked.answers["location"] == "outside"
    assert StepProgress.objects.filter(answers__location="outside").exists()
    for url in [JOURNEYS, f"{JOURNEYS}{walked.pk}/change/"]:
        page = editor_client.get(url).text
        assert walked.visitor_key not in page
        assert "outside" not in page  # the steering answer


def test_journeys_are_read_only_even_for_a_superuser(superuser_client, walked):
    assert superuser_client.get(f"{JOURNEYS}add/").status_code == 403
    assert superuser_client.get(f"{JOURNEYS}{walked.pk}/delete/").status_code == 403
    response = superuser_client.post(f"{JOURNEYS}{walked.pk}/change/", {"completed_at": ""})
    assert response.status_code == 403
    assert Journey.objects.get().completed_at is None
    assert "Save" not in superuser_client.get(f"{JOURNEYS}{walked.pk}/change/").text


def test_journeys_filter_by_status_and_stuck_step(editor_client, walked, steps):
    done = Journey.objects.create(
        guide=walked.guide, visitor_key="done", completed_at=timezone.now()
    )

    def listed(query: str) -> set[int]:
        return {
            journey.pk for journey in editor_client.get(JOURNEYS + query).context["cl"].result_list
        }

    assert listed("?status=stuck") == {walked.pk}
    assert listed("?status=completed") == {done.pk}
    assert listed("?status=underway") == set()
    assert listed(f"?stuck_on={steps['verify-passport'].pk}") == {walked.pk}
    assert listed(f"?stuck_on={steps['prepare'].pk}") == set()


def test_a_bad_filter_value_is_not_an_error(editor_client, walked):
    assert editor_client.get(JOURNEYS + "?stuck_on=abc").status_code == 200
    assert editor_client.get(JOURNEYS + "?status=nonsense").status_code == 200


def test_the_journey_list_makes_the_same_queries_for_few_or_many_journeys(
    editor_client, walked, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        editor_client.get(JOURNEYS)
    for number in range(30):
        journey = Journey.objects.create(guide=walked.guide, visitor_key=f"k{number}")
        StepProgress.objects.create(journey=journey, step=walked.progress.first().step)
    with django_assert_max_num_queries(len(few)):
        editor_client.get(JOURNEYS)


def share_link(journey: Journey, *, token_hash: str = "ab" * 32, **fields) -> ShareLink:
    return ShareLink.objects.create(journey=journey, token_hash=token_hash, **fields)


def test_share_links_are_labelled_by_their_creation_date(superuser_client, walked):
    created = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
    share_link(walked, created_at=created)
    page = superuser_client.get(SHARE_LINKS).text
    local = timezone.localtime(created)
    assert f"Share link created {local.day} {local:%B %Y, %H:%M}" in page
    assert "through" not in page
    assert f"Journey {walked.pk}" not in page


def test_share_links_are_listed_without_their_token_hash(superuser_client, walked):
    link = share_link(walked)
    page = superuser_client.get(SHARE_LINKS).text
    assert "Share link created" in page
    assert link.token_hash not in page
    assert link.token_hash not in superuser_client.get(f"{SHARE_LINKS}{link.pk}/change/").text


def test_the_revoke_action_revokes_only_live_links(superuser_client, walked):
    earlier = timezone.now() - datetime.timedelta(days=1)
    live = share_link(walked, token_hash="a" * 64)
    revoked = share_link(walked, token_hash="b" * 64, revoked_at=earlier)

    response = superuser_client.post(
        SHARE_LINKS, {"action": "revoke", "_selected_action": [live.pk, revoked.pk], "index": 0}
    )

    assert response.status_code == 302
    live.refresh_from_db()
    revoked.refresh_from_db()
    assert live.revoked_at is not None
    assert revoked.revoked_at == earlier
    assert "Revoked" in superuser_client.get(SHARE_LINKS).text


def test_a_link_revoked_in_admin_stops_working_at_once(superuser_client, client, walked):
    link, token = create_share_link(journey=walked, lifetime="7d")
    assert client.get(f"/share/{token}/").status_code == 200

    superuser_client.post(
        SHARE_LINKS, {"action": "revoke", "_selected_action": [link.pk], "index": 0}
    )

    assert client.get(f"/share/{token}/").status_code == 404


def test_editors_cannot_see_share_links(editor_client, walked):
    share_link(walked)
    assert editor_client.get(SHARE_LINKS).status_code == 403


# --- Lookups: only the declared filters ----------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "?visitor_key=k1",
        "?visitor_key__startswith=k",
        "?answers__location=outside",
        "?answers__has_account=no",
        "?user__email=ana@example.com",
        "?user__email__startswith=ana",
        "?user=1",
        "?progress__answers__location=outside",
        "?guide__slug=alipay",
    ],
)
def test_the_journey_list_refuses_lookups_that_are_not_its_filters(editor_client, walked, query):
    response = editor_client.get(JOURNEYS + query)
    assert response.status_code == 400
    assert "cl" not in (response.context or {})


def test_the_journey_list_keeps_its_declared_filters(editor_client, walked):
    response = editor_client.get(f"{JOURNEYS}?guide__id__exact={walked.guide_id}&status=stuck")
    assert response.status_code == 200
    assert [journey.pk for journey in response.context["cl"].result_list] == [walked.pk]


@pytest.mark.parametrize(
    "query",
    [
        "?token_hash=" + "ab" * 32,
        "?journey__visitor_key=k1",
        "?journey__answers__location=outside",
        "?journey__user__email=ana@example.com",
        "?journey=1",
    ],
)
def test_the_share_link_list_refuses_lookups(superuser_client, walked, query):
    share_link(walked)
    assert superuser_client.get(SHARE_LINKS + query).status_code == 400
