"""Limits on failed logins, per client address and per account, counted in the default cache.

The cache is shared by every app server (Redis in the scale-out shape), so the counts agree
across processes. Counts live in fixed windows: simple and atomic (one `incr`), at the price of
letting at most twice the limit through around a window's edge.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from onboarding.web.http import client_address

MAX_FAILURES_PER_CLIENT = 20
MAX_FAILURES_PER_ACCOUNT = 5
WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True, slots=True)
class Lockout:
    """Logging in is refused until the current window ends."""

    retry_after: int  # seconds

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def now() -> float:
    """The clock the windows are counted on (a function so tests can move it)."""
    return time.time()


def _digest(text: str) -> str:
    # Keys stay short and safe for any cache backend, and hold no address in the clear.
    return hashlib.sha256(text.encode()).hexdigest()


def _counters(*, request: HttpRequest | None, email: str | None) -> list[tuple[str, int]]:
    window = int(now() // WINDOW_SECONDS)
    counters = []
    if request is not None:
        client = _digest(client_address(request))
        counters.append((f"login-failures:{window}:client:{client}", MAX_FAILURES_PER_CLIENT))
    if email:
        account = _digest(email.strip().lower())
        counters.append((f"login-failures:{window}:account:{account}", MAX_FAILURES_PER_ACCOUNT))
    return counters


def lockout_for(*, request: HttpRequest | None, email: str | None) -> Lockout | None:
    """The lockout in force for this client or this account, if either failed too often."""
    counters = _counters(request=request, email=email)
    counts = cache.get_many([key for key, _ in counters])
    if any(counts.get(key, 0) >= limit for key, limit in counters):
        return Lockout(retry_after=math.ceil(WINDOW_SECONDS - now() % WINDOW_SECONDS))
    return None


def record_failure(*, request: HttpRequest | None, email: str | None) -> None:
    """Count one failed login against the client and the account."""
    for key, _ in _counters(request=request, email=email):
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            # The key expired between add and incr: this failure starts the new count.
            cache.set(key, 1, timeout=WINDOW_SECONDS)


def clear_account_failures(*, email: str) -> None:
    """Forget an account's failures once its owner has logged in."""
    cache.delete_many([key for key, _ in _counters(request=None, email=email)])
