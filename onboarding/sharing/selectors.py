"""Reading share links: the live link for a token, and a journey's live links."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from onboarding.journeys.models import Journey
from onboarding.sharing.models import ShareLink
from onboarding.sharing.tokens import hash_token, looks_like_token


def _live(now: datetime.datetime) -> Q:
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def find_share_link(*, token: str) -> ShareLink | None:
    """The live link with this token, its journey and guide joined (one query), or None.

    A token of the wrong shape is refused before the database is asked.
    """
    if not looks_like_token(token):
        return None
    return (
        ShareLink.objects.select_related("journey__guide")
        .filter(_live(timezone.now()), token_hash=hash_token(token), journey__guide__published=True)
        .first()
    )


def share_links_of(*, journey: Journey | None) -> QuerySet[ShareLink]:
    """A journey's links that still work, newest first (none before the first save)."""
    if journey is None:
        return ShareLink.objects.none()
    return journey.share_links.filter(_live(timezone.now())).order_by("-created_at", "-pk")
