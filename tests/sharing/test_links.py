"""Share links: created with a lifetime, found only while live, revoked once by their owner."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from onboarding.guides.models import Guide
from onboarding.journeys.models import Journey
from onboarding.journeys.selectors import Owner
from onboarding.sharing.models import ShareLink
from onboarding.sharing.selectors import find_share_link, share_links_of
from onboarding.sharing.services import create_share_link, revoke_share_link, revoke_share_links
from onboarding.sharing.tokens import hash_token, new_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return Guide.objects.create(slug="g", title="A guide", summary="S.", published=True)


@pytest.fixture
def journey(guide):
    return Journey.objects.create(guide=guide, visitor_key="visitor-a")


def link_for(journey, *, created=None, expires=None, revoked=None):
    token = new_token()
    link = ShareLink.objects.create(
        journey=journey,
        token_hash=hash_token(token),
        created_at=created or timezone.now(),
        expires_at=expires,
        revoked_at=revoked,
    )
    return link, token


@pytest.mark.parametrize(("lifetime", "days"), [("7d", 7), ("30d", 30)])
def test_a_new_link_lives_for_its_lifetime_from_now(journey, lifetime, days):
    link, token = create_share_link(journey=journey, lifetime=lifetime)
    link.refresh_from_db()
    assert link.expires_at - link.created_at == datetime.timedelta(days=days)
    assert abs(timezone.now() - link.created_at) < datetime.timedelta(seconds=5)
    assert link.journey == journey


def test_a_link_made_to_last_never_expires(journey):
    link, _ = create_share_link(journey=journey, lifetime="never")
    link.refresh_from_db()
    assert link.expires_at is None
    assert link.revoked_at is None


def test_only_the_tokens_hash_is_stored_and_it_finds_the_link(journey):
    link, token = create_share_link(journey=journey, lifetime="7d")
    link.refresh_from_db()
    assert link.token_hash == hash_token(token)
    assert token not in str(ShareLink.objects.filter(pk=link.pk).values().get())
    assert find_share_link(token=token) == link


def test_a_token_of_the_wrong_shape_is_refused_before_the_database(
    journey, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert find_share_link(token="not-a-token") is None


def test_finding_a_link_is_one_query_with_its_journey_and_guide(journey, django_assert_num_queries):
    _, token = link_for(journey)
    with django_assert_num_queries(1):
        link = find_share_link(token=token)
        assert link.journey.guide.slug == "g"


def test_an_unknown_token_finds_nothing(journey):
    link_for(journey)
    assert find_share_link(token=new_token()) is None


def test_a_revoked_link_is_not_found(journey):
    _, token = link_for(journey, revoked=timezone.now())
    assert find_share_link(token=token) is None


def test_a_link_expiring_in_a_second_is_still_found(journey):
    link, token = link_for(journey, expires=timezone.now() + datetime.timedelta(seconds=1))
    assert find_share_link(token=token) == link


def test_a_link_that_expired_a_second_ago_is_not_found(journey):
    _, token = link_for(journey, expires=timezone.now() - datetime.timedelta(seconds=1))
    assert find_share_link(token=token) is None


def test_a_link_to_an_unpublished_guide_is_not_found(journey, guide):
    _, token = link_for(journey)
    Guide.objects.filter(pk=guide.pk).update(published=False)
    assert find_share_link(token=token) is None


def test_a_journeys_live_links_are_listed_newest_first(journey):
    now = timezone.now()
    old, _ = link_for(journey, created=now - datetime.timedelta(days=2))
    new, _ = link_for(journey, created=now - datetime.timedelta(days=1))
    same_time, _ = link_for(journey, created=now - datetime.timedelta(days=1))
    link_for(journey, revoked=now)
    link_for(journey, expires=now - datetime.timedelta(seconds=1))
    live_for_a_second, _ = link_for(
        journey, created=now - datetime.timedelta(days=3), expires=now + datetime.timedelta(hours=1)
    )
    assert list(share_links_of(journey=journey)) == [same_time, new, old, live_for_a_second]


def test_another_journeys_links_are_not_listed(journey, guide):
    other = Journey.objects.create(guide=guide, visitor_key="visitor-b")
    link_for(other)
    mine, _ = link_for(journey)
    assert list(share_links_of(journey=journey)) == [mine]


def test_no_journey_yet_has_no_links(journey, django_assert_num_queries):
    link_for(journey)
    with django_assert_num_queries(0):
        assert list(share_links_of(journey=None)) == []


def test_the_owner_revokes_their_link_and_it_stops_working(journey):
    link, token = link_for(journey)
    revoked = revoke_share_link(owner=Owner(user_id=None, visitor_key="visitor-a"), link_id=link.pk)
    assert revoked.pk == link.pk
    link.refresh_from_db()
    assert abs(timezone.now() - link.revoked_at) < datetime.timedelta(seconds=5)
    assert find_share_link(token=token) is None


def test_revoking_one_link_leaves_the_owners_others_working(journey, django_assert_num_queries):
    first, first_token = link_for(journey)
    second, _ = link_for(journey)
    owner = Owner(user_id=None, visitor_key="visitor-a")
    revoked = revoke_share_link(owner=owner, link_id=second.pk)
    assert revoked.pk == second.pk
    assert find_share_link(token=first_token) == first
    with django_assert_num_queries(2):  # the owner's link, with its journey and guide; the save
        revoked = revoke_share_link(owner=owner, link_id=first.pk)
        assert revoked.journey.guide.slug == "g"


def test_revoking_twice_keeps_the_first_time(journey):
    first = timezone.now() - datetime.timedelta(days=1)
    link, _ = link_for(journey, revoked=first)
    revoke_share_link(owner=Owner(user_id=None, visitor_key="visitor-a"), link_id=link.pk)
    link.refresh_from_db()
    assert link.revoked_at == first


def test_someone_elses_link_cannot_be_revoked(journey, guide):
    link, token = link_for(journey)
    with pytest.raises(Http404):
        revoke_share_link(owner=Owner(user_id=None, visitor_key="visitor-b"), link_id=link.pk)
    with pytest.raises(Http404):
        revoke_share_link(owner=Owner(user_id=None, visitor_key=None), link_id=link.pk)
    assert find_share_link(token=token) == link


def test_an_unknown_link_cannot_be_revoked(journey):
    with pytest.raises(Http404, match=r"^No such share link\.$"):
        revoke_share_link(owner=Owner(user_id=None, visitor_key="visitor-a"), link_id=999_999)


def test_the_admin_revokes_only_live_links_and_counts_them(journey):
    first = timezone.now() - datetime.timedelta(days=1)
    live, _ = link_for(journey)
    also_live, _ = link_for(journey)
    earlier, _ = link_for(journey, revoked=first)
    assert revoke_share_links(links=ShareLink.objects.all()) == 2
    earlier.refresh_from_db()
    live.refresh_from_db()
    also_live.refresh_from_db()
    assert earlier.revoked_at == first
    assert live.revoked_at is not None
    assert also_live.revoked_at is not None
