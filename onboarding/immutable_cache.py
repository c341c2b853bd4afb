"""The cache for values that never change under their key, with a small copy in each process.

Guide structures, progress snapshots and rendered pages are stored under keys built from state
read from the database on the same request (a guide's content version, a journey's last change).
Such a key always names the same value, so a process may keep what it has already fetched and
skip the round trip to Redis: nothing it keeps can go stale, only unused, and the oldest entries
make way for new ones.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

_SIZE = 512
_lock = threading.Lock()
_recent: OrderedDict[str, Any] = OrderedDict()


def get_or_set(key: str, compute: Callable[[], Any], *, timeout: int) -> Any:
    """The value under key: from this process, else the shared cache, else compute() it."""
    with _lock:
        if key in _recent:
            _recent.move_to_end(key)
            return _recent[key]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    with _lock:
        _recent[key] = value
        while len(_recent) > _SIZE:
            _recent.popitem(last=False)
    return value


def clear_process_copies() -> None:
    """Forget this process's copies (tests start each case with empty caches)."""
    with _lock:
        _recent.clear()
