"""Share links as data: token hashing, look-up, lifetimes, revoking, and counting misses."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.http import Http404
from django.utils import timezone

from onboarding.journeys.models import Journey
from onboarding.journeys.selectors import Owner
from onboarding.sharing.models import ShareLink
from onboarding.sharing.selectors import find_share_link, share_links_of
from onboarding.sharing.services import SHARE_MISSES, create_share_link, revoke_share_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(alipay):
    return Journey.objects.create(guide=alipay, visitor_key="visitor-one")


def test_the_stored_row_holds_only_a_hash_of_the_token(journey):
    link, token = create_share_link(journey=journey, lifetime="7d")
    row = ShareLink.objects.filter(pk=link.pk).values().get()
    assert all(token not in str(value) for value in row.values())
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()


def test_tokens_carry_256_random_bits_and_differ(journey):
    _, first = create_share_link(journey=journey, lifetime="7d")
    _, second = create_share_link(journey=journey, lifetime="7d")
    assert len(first) == 43  # 32 bytes, URL-safe base64 without padding
    assert first != second


def test_a_link_is_found_by_its_token(journey):
    link, token = create_share_link(journey=journey, lifetime="30d")
    assert find_share_link(token=token) == link


@pytest.mark.parametrize(("lifetime", "days"), [("7d", 7), ("30d", 30), ("never", None)])
def test_the_chosen_lifetime_sets_the_expiry(journey, lifetime, days):
    link, _ = create_share_link(journey=journey, lifetime=lifetime)
    if days is None:
        assert link.expires_at is None
    else:
        assert link.expires_at - link.created_at == datetime.timedelta(days=days)


def test_an_expired_link_is_not_found(journey):
    link, token = create_share_link(journey=journey, lifetime="7d")
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    assert find_share_link(token=token) is None


def test_a_revoked_link_is_not_found(journey):
    link, token = create_share_link(journey=journey, lifetime="never")
    revoke_share_link(owner=Owner(user_id=None, visitor_key="visitor-one"), link_id=link.pk)
    assert find_share_link(token=token) is None


def test_a_link_to_an_unpublished_guide_is_not_found(journey, alipay):
    _, token = create_share_link(journey=journey, lifetime="never")
    alipay.published = False
    alipay.save()
    assert find_share_link(token=token) is None


@pytest.mark.parametrize(
    "token",
    ["", "a", "x" * 5000, "'; DROP TABLE onboarding_sharelink; --", "\x00" * 43, "ü" * 43,
     "../" * 15, "a" * 42 + "=", "%41" * 15],
)  # fmt: skip
def test_malformed_tokens_are_refused_without_a_query(db, django_assert_num_queries, token):
    with django_assert_num_queries(0):
        assert find_share_link(token=token) is None


def test_someone_elses_link_cannot_be_revoked(journey, alipay):
    link, token = create_share_link(journey=journey, lifetime="7d")
    Journey.objects.create(guide=alipay, visitor_key="visitor-two")
    with pytest.raises(Http404):
        revoke_share_link(owner=Owner(user_id=None, visitor_key="visitor-two"), link_id=link.pk)
    with pytest.raises(Http404):
        revoke_share_link(owner=Owner(user_id=None, visitor_key=None), link_id=link.pk)
    assert find_share_link(token=token) == link


def test_revoking_twice_keeps_the_first_time(journey):
    owner = Owner(user_id=None, visitor_key="visitor-one")
    link, _ = create_share_link(journey=journey, lifetime="7d")
    first = revoke_share_link(owner=owner, link_id=link.pk).revoked_at
    second = revoke_share_link(owner=owner, link_id=link.pk).revoked_at
    assert first is not None
    assert second == first


def test_the_list_of_links_holds_only_live_ones_newest_first(journey):
    owner = Owner(user_id=None, visitor_key="visitor-one")
    older, _ = create_share_link(journey=journey, lifetime="7d")
    newer, _ = create_share_link(journey=journey, lifetime="never")
    revoked, _ = create_share_link(journey=journey, lifetime="30d")
    expired, _ = create_share_link(journey=journey, lifetime="7d")
    revoke_share_link(owner=owner, link_id=revoked.pk)
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert list(share_links_of(journey=journey)) == [newer, older]
    assert list(share_links_of(journey=None)) == []


def test_20_misses_use_up_the_allowance_of_one_client_address_only():
    for _ in range(20):
        assert not SHARE_MISSES.exceeded("203.0.113.5")
        SHARE_MISSES.hit("203.0.113.5")
    assert SHARE_MISSES.exceeded("203.0.113.5")
    assert not SHARE_MISSES.exceeded("203.0.113.6")
