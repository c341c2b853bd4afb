"""Changing share links: create and revoke them; count the misses of anyone guessing tokens.

The token is shown to its creator once and never stored: the database keeps its SHA-256 only.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from onboarding.journeys.models import Journey
from onboarding.journeys.selectors import Owner
from onboarding.sharing.models import ShareLink
from onboarding.sharing.tokens import hash_token, new_token
from onboarding.web.ratelimit import RateLimit

# How long a new link lives; the keys are what the creation form sends.
LIFETIMES: dict[str, datetime.timedelta | None] = {
    "7d": datetime.timedelta(days=7),
    "30d": datetime.timedelta(days=30),
    "never": None,
}
# More than 20 unknown tokens a minute from one client address get 429s.
SHARE_MISSES = RateLimit("share-misses", limit=20, window_seconds=60)


def create_share_link(*, journey: Journey, lifetime: str) -> tuple[ShareLink, str]:
    """A new link to the journey's progress, and its token: the only time the token exists."""
    token = new_token()
    now = timezone.now()
    span = LIFETIMES[lifetime]
    link = ShareLink.objects.create(
        journey=journey,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + span if span is not None else None,
    )
    return link, token


def revoke_share_link(*, owner: Owner, link_id: int) -> ShareLink:
    """Revoke one of the owner's links; revoking twice keeps the first time. 404 if not theirs."""
    link = (
        ShareLink.objects.select_related("journey__guide")
        .filter(pk=link_id, journey__in=owner.journeys())
        .first()
    )
    if link is None:
        raise Http404("No such share link.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def revoke_share_links(*, links: QuerySet[ShareLink]) -> int:
    """Revoke these links now, for the admin; links already revoked keep their first time."""
    return links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
