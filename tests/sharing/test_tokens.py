"""Share tokens: 43 URL-safe characters, stored only as their SHA-256."""

from __future__ import annotations

import string

from onboarding.sharing.tokens import hash_token, looks_like_token, new_token

URL_SAFE = set(string.ascii_letters + string.digits + "-_")


def test_a_new_token_is_43_url_safe_characters():
    token = new_token()
    assert len(token) == 43
    assert set(token) <= URL_SAFE


def test_new_tokens_differ():
    assert len({new_token() for _ in range(20)}) == 20


def test_a_token_is_stored_as_its_sha256_in_hex():
    assert hash_token("abc") == ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")


def test_a_new_token_looks_like_a_token():
    assert looks_like_token(new_token()) is True


def test_a_token_of_43_characters_with_dash_and_underscore_looks_like_one():
    assert looks_like_token("A" * 21 + "-_" + "z9" * 10) is True


def test_42_or_44_characters_do_not_look_like_a_token():
    assert looks_like_token("a" * 42) is False
    assert looks_like_token("a" * 44) is False


def test_a_character_outside_the_url_safe_alphabet_is_not_a_token():
    assert looks_like_token("a" * 42 + "=") is False
    assert looks_like_token("a" * 42 + "/") is False
    assert looks_like_token("") is False
