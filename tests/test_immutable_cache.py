"""The process copy in front of the shared cache: fetched once, bounded, never recomputed."""

from __future__ import annotations

from django.core.cache import cache

from onboarding import immutable_cache


def test_a_value_is_computed_once_and_then_served_from_the_process():
    calls = []
    for _ in range(3):
        value = immutable_cache.get_or_set("k1", lambda: calls.append(1) or "value", timeout=60)
    assert value == "value"
    assert calls == [1]
    cache.clear()  # even with the shared cache emptied, the process keeps its copy
    assert immutable_cache.get_or_set("k1", lambda: "other", timeout=60) == "value"


def test_another_process_finds_the_value_in_the_shared_cache():
    immutable_cache.get_or_set("k2", lambda: "shared", timeout=60)
    immutable_cache.clear_process_copies()  # as a fresh process would start
    assert immutable_cache.get_or_set("k2", lambda: "recomputed", timeout=60) == "shared"


def test_the_process_keeps_a_bounded_number_of_values():
    for number in range(immutable_cache._SIZE + 10):
        immutable_cache.get_or_set(f"n{number}", lambda number=number: number, timeout=60)
    assert len(immutable_cache._recent) == immutable_cache._SIZE
    assert "n0" not in immutable_cache._recent
