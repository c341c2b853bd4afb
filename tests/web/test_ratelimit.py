"""The rate limiter: at most N events per subject in a fixed window, in the "limits" cache."""

from __future__ import annotations

import hashlib

import pytest
from django.core.cache import caches

from onboarding.web.ratelimit import RateLimit

pytestmark = pytest.mark.django_db


def test_a_subject_under_the_limit_is_not_refused():
    limit = RateLimit("test-under", limit=3, window_seconds=60)
    limit.hit("203.0.113.1")
    limit.hit("203.0.113.1")
    assert limit.exceeded("203.0.113.1") is False


def test_a_subject_that_used_the_whole_allowance_is_refused():
    limit = RateLimit("test-at", limit=3, window_seconds=60)
    for _ in range(3):
        limit.hit("203.0.113.1")
    assert limit.exceeded("203.0.113.1") is True


def test_a_subject_never_seen_is_not_refused():
    assert RateLimit("test-unseen", limit=1, window_seconds=60).exceeded("203.0.113.9") is False


def test_hits_return_the_count_so_far_from_one():
    limit = RateLimit("test-count", limit=5, window_seconds=60)
    assert [limit.hit("a") for _ in range(3)] == [1, 2, 3]


def test_each_subject_is_counted_apart():
    limit = RateLimit("test-apart", limit=2, window_seconds=60)
    limit.hit("a")
    limit.hit("a")
    assert limit.hit("b") == 1
    assert limit.exceeded("a") is True
    assert limit.exceeded("b") is False


def test_two_limits_with_other_names_never_share_a_count():
    first = RateLimit("test-first", limit=1, window_seconds=60)
    second = RateLimit("test-second", limit=1, window_seconds=60)
    first.hit("a")
    assert second.exceeded("a") is False
    assert second.hit("a") == 1


def test_clearing_a_subject_forgets_its_count():
    limit = RateLimit("test-clear", limit=1, window_seconds=60)
    limit.hit("a")
    limit.hit("b")
    limit.clear("a")
    assert limit.exceeded("a") is False
    assert limit.hit("a") == 1
    assert limit.exceeded("b") is True


def test_the_cache_key_holds_a_hash_of_the_subject_never_the_subject():
    limit = RateLimit("test-key", limit=1, window_seconds=60)
    limit.hit("ana@example.com")
    digest = hashlib.sha256(b"ana@example.com").hexdigest()
    assert caches["limits"].get(f"limit:test-key:{digest}") == 1


def test_the_window_is_set_by_the_first_hit_for_window_seconds(monkeypatch):
    added = []
    cache = caches["limits"]
    real_add = cache.add

    def spy_add(key, value, timeout):
        added.append((value, timeout))
        return real_add(key, value, timeout=timeout)

    monkeypatch.setattr(cache, "add", spy_add)
    limit = RateLimit("test-window", limit=5, window_seconds=60)
    limit.hit("a")
    limit.hit("a")
    assert added == [(0, 60), (0, 60)]


def test_an_event_after_the_window_closed_opens_the_next_window_at_one(monkeypatch):
    cache = caches["limits"]
    added = []
    real_add = cache.add

    def spy_add(key, value, timeout):
        added.append((value, timeout))
        return real_add(key, value, timeout=timeout)

    def window_closed(key, delta=1):
        cache.delete(key)  # the entry expired between add() and incr()
        raise ValueError(key)

    monkeypatch.setattr(cache, "add", spy_add)
    monkeypatch.setattr(cache, "incr", window_closed)
    limit = RateLimit("test-closed", limit=5, window_seconds=60)
    assert limit.hit("a") == 1
    assert added == [(0, 60), (1, 60)]
    monkeypatch.undo()
    assert cache.get(limit._key("a")) == 1
