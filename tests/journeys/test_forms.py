"""Form kinds' rules that need no database: card numbers, masking, six months."""

from __future__ import annotations

import datetime

import pytest

from onboarding.journeys.forms import (
    _six_months_after,
    looks_like_card_number,
    luhn_valid,
    mask_phone,
)


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111111",
        "4111 1111 1111 1111",
        "card: 5555-5555-5555-4444 thanks",
        "378282246310005",
    ],
)
def test_card_numbers_are_recognised(text):
    assert looks_like_card_number(text)


@pytest.mark.parametrize(
    "text", ["4111111111111112", "call me on +44 7400 123456", "2026-11-27", "1234567890123"]
)
def test_other_numbers_are_not_card_numbers(text):
    assert not looks_like_card_number(text)


def test_luhn():
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")


def test_phone_numbers_are_masked_but_for_the_last_four_digits():
    assert mask_phone("+447400123456") == "+44 •••• ••3456"


def test_six_months_after_clamps_to_the_end_of_the_month():
    assert _six_months_after(datetime.date(2026, 8, 31)) == datetime.date(2027, 2, 28)
    assert _six_months_after(datetime.date(2026, 1, 15)) == datetime.date(2026, 7, 15)
