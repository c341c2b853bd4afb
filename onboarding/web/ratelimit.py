"""The one rate limiter: at most N events per key in a fixed window, counted where every worker
sees the same count.

Counts live in the "limits" cache: Redis when REDIS_URL is set, otherwise a table of the database
(settings.py), never one process's memory, so four workers count like one. The count is bumped
inside a transaction: SQLite's IMMEDIATE transactions take the write lock first, so workers take
turns; Redis increments atomically.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.db import transaction


@dataclass(frozen=True, slots=True)
class RateLimit:
    name: str
    limit: int
    window_seconds: int

    def _key(self, subject: str) -> str:
        # Hashed: the cache never holds a client address or an account's email in clear.
        return f"limit:{self.name}:{hashlib.sha256(subject.encode()).hexdigest()}"

    def exceeded(self, subject: str) -> bool:
        """Whether this subject has already used up the window's allowance."""
        return caches["limits"].get(self._key(subject), 0) >= self.limit

    def hit(self, subject: str) -> int:
        """Count one event; the window starts at the first. Returns the count so far."""
        cache = caches["limits"]
        key = self._key(subject)
        with transaction.atomic():
            # add() does nothing when the key exists, so later events do not stretch the window.
            cache.add(key, 0, timeout=self.window_seconds)
            try:
                return cache.incr(key)
            except ValueError:
                # The window closed between add() and incr(): this event opens the next one.
                cache.add(key, 1, timeout=self.window_seconds)
                return 1

    def clear(self, subject: str) -> None:
        caches["limits"].delete(self._key(subject))
