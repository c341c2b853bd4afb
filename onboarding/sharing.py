"""Share links: create, find and revoke them, and slow down anyone guessing tokens.

The token is shown to its creator once and never stored: the database keeps its SHA-256 only,
and look-ups hash what was asked for. Token hashing lives in this module alone.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from onboarding.models import Journey, ShareLink
from onboarding.progress import Owner

TOKEN_BYTES = 32
# secrets.token_urlsafe(32) is always 43 characters of the URL-safe base64 alphabet.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")

# How long a new link lives; the keys are what the creation form sends.
LIFETIMES: dict[str, datetime.timedelta | None] = {
    "7d": datetime.timedelta(days=7),
    "30d": datetime.timedelta(days=30),
    "never": None,
}
LIFETIME_CHOICES = [("7d", "7 days"), ("30d", "30 days"), ("never", "Until I revoke it")]
DEFAULT_LIFETIME = "7d"

# More than this many unknown tokens a minute from one client address get 429s.
MAX_MISSES_PER_WINDOW = 20
MISS_WINDOW_SECONDS = 60


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Selectors ---------------------------------------------------------------------------------


def _live(now: datetime.datetime) -> Q:
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def find_share_link(*, token: str) -> ShareLink | None:
    """The live link with this token, its journey and guide joined (one query), or None.

    A token of the wrong shape is refused before the database is asked.
    """
    if not _TOKEN_SHAPE.fullmatch(token):
        return None
    return (
        ShareLink.objects.select_related("journey__guide")
        .filter(_live(timezone.now()), token_hash=_hash(token), journey__guide__published=True)
        .first()
    )


def share_links_of(*, journey: Journey | None) -> QuerySet[ShareLink]:
    """A journey's links that still work, newest first (none before the first save)."""
    if journey is None:
        return ShareLink.objects.none()
    return journey.share_links.filter(_live(timezone.now())).order_by("-created_at", "-pk")


# --- Services ----------------------------------------------------------------------------------


def create_share_link(*, journey: Journey, lifetime: str) -> tuple[ShareLink, str]:
    """A new link to the journey's progress, and its token: the only time the token exists."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    span = LIFETIMES[lifetime]
    link = ShareLink.objects.create(
        journey=journey,
        token_hash=_hash(token),
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


# --- Guessing ----------------------------------------------------------------------------------


def _misses_key(client: str) -> str:
    return f"share-misses:{_hash(client)}"


def too_many_misses(*, client: str) -> bool:
    """Whether this client address has already missed too often in the current window."""
    return cache.get(_misses_key(client), 0) >= MAX_MISSES_PER_WINDOW


def record_miss(*, client: str) -> None:
    """Count an unknown, expired or revoked token; the window starts at the first miss."""
    key = _misses_key(client)
    # add() is a no-op when the key exists, so the window is not stretched by later misses.
    cache.add(key, 0, timeout=MISS_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        # The window closed between add() and incr(): this miss opens the next one.
        cache.add(key, 1, timeout=MISS_WINDOW_SECONDS)
