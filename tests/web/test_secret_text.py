"""The secret guard: card numbers however they are typed, the secret phrases, and ordinary text."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from onboarding.web.secret_text import MESSAGES, find_secret, refuse_secrets

# 4111 1111 1111 1111 is the best-known test Visa number; every example below is checked by hand.
CARD = "4111111111111111"


def luhn_valid(digits: str) -> bool:
    """The Luhn check, written out plainly here so the tests do not trust the code under test."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def with_check_digit(payload: str) -> str:
    """The payload followed by the one digit that makes it pass the Luhn check."""
    return next(payload + digit for digit in "0123456789" if luhn_valid(payload + digit))


# --- Card numbers, each way issue 14 (finding 2) found one stored ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111.1111.1111.1111",
        "4111  1111  1111  1111",
        "4111 - 1111 - 1111 - 1111",
        "4111/1111/1111/1111",
        "4111_1111_1111_1111",
        "4111,1111,1111,1111",
        "4111\u00a01111\u00a01111\u00a01111",  # non-breaking spaces
        "4111\t1111\t1111\t1111",
        "4111\n1111\n1111\n1111",
        "4111\r\n1111\r\n1111\r\n1111",
        "4111\u200b1111\u200b1111\u200b1111",  # zero-width spaces
        "4111\u20091111\u20091111\u20091111",  # thin spaces
        "4111\u30001111\u30001111\u30001111",  # ideographic spaces
        "4111\u00ad1111\u00ad1111\u00ad1111",  # soft hyphens
        "4111 . 1111 / 1111 _ 1111",
        "４１１１ １１１１ １１１１ １１１１",  # full-width digits
        "٤١١١ ١١١١ ١١١١ ١١١١",  # Arabic-Indic digits
        "card 4111 1111 1111 1111 cvv 123",
        "my card is 4111111111111111, expiry 12/27",
    ],
)
def test_a_card_number_is_found_whatever_separates_its_groups(text):
    assert find_secret(text) == "card_number"


@pytest.mark.parametrize(
    "text",
    [
        "04111111111111111111",
        "x4111 1111 1111 1111 9",
        "ref 94111111111111111",
        "41111111111111110",
    ],
)
def test_a_card_number_is_found_with_a_digit_before_or_after(text):
    assert find_secret(text) == "card_number"


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111111@example.com",
        "4111.1111.1111.1111@example.com",
        "4111_1111_1111_1111@example.com",
        "card4111111111111111@example.com",
        "４１１１１１１１１１１１１１１１@example.com",
    ],
)
def test_a_card_number_typed_as_an_email_local_part_is_found(text):
    assert find_secret(text) == "card_number"


# --- Where a card number starts and stops ------------------------------------------------------


def test_thirteen_luhn_valid_digits_are_a_card_number():
    assert find_secret("4222 2222 2222 2") == "card_number"


def test_twelve_luhn_valid_digits_are_not():
    assert luhn_valid("422222222222")
    assert find_secret("4222 2222 2222") is None


def test_nineteen_luhn_valid_digits_are_a_card_number():
    # No shorter window of this number passes the check: only all 19 digits together do.
    assert find_secret("7444 0419 6002 4285 008") == "card_number"


def test_a_twenty_digit_run_holding_a_luhn_valid_nineteen_digit_window_is_refused():
    # Its last 19 digits pass the check; the whole run and every shorter window do not.
    assert not luhn_valid("27444041960024285008")
    assert find_secret("2744 4041 9600 2428 5008") == "card_number"


def test_twenty_luhn_valid_digits_with_no_valid_window_of_13_to_19_pass():
    assert luhn_valid("41857017638956841581")
    assert find_secret("4185 7017 6389 5684 1581") is None


@pytest.mark.parametrize("text", ["4111 1111 1111 1113", "1234 5678 1234 5678", "1" * 16])
def test_sixteen_digits_failing_the_luhn_check_pass(text):
    # Nor does any 13-15-digit window inside them pass it.
    assert find_secret(text) is None


def test_a_very_long_run_with_no_valid_window_is_checked_to_the_end():
    # No window of ones, 13 to 19 long, passes the check; the card at the end must still be found.
    assert find_secret("1" * 200_000) is None
    assert find_secret("1" * 200_000 + " " + CARD) == "card_number"


# --- The secret phrases ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("CVV 123", "security_code"),
        ("cvv: 123", "security_code"),
        ("CVC2 456", "security_code"),
        ("CSC is 7890", "security_code"),
        ("the CVV code is 123, expiry 12/27", "security_code"),
        ("安全码 123", "security_code"),
        ("my payment PIN is 482913", "pin"),
        ("PIN: 4829", "pin"),
        ("pin4829", "pin"),
        ("payment password 482913", "pin"),
        ("支付密码是482913", "pin"),
        ("SMS code 839201", "sms_code"),
        ("sms: 8392", "sms_code"),
        ("verification code is 83920122", "sms_code"),
        ("OTP 839201", "sms_code"),
        ("验证码：839201", "sms_code"),
        ("passport number K12345678", "document_number"),
        ("passport no. E1234567", "document_number"),
        ("Passport: 123456789", "document_number"),
        ("document number AB123456", "document_number"),
        ("ID number 12345678", "document_number"),
        ("护照号码 E12345678", "document_number"),
        ("证件号码：K12345678", "document_number"),
        ("Alipay password: hunter2", "password"),
        ("my password is hunter2", "password"),
        ("pw: hunter2", "password"),
        ("PASSWORD = hunter2", "password"),
        ("我的密码是hunter2", "password"),
        ("密码：hunter2", "password"),
    ],
)
def test_a_secret_phrase_followed_by_its_secret_is_found(text, code):
    assert find_secret(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ＣＶＶ １２３", "security_code"),  # full-width letters and digits
        ("C\u200bVV 123", "security_code"),  # a zero-width space inside the word
        ("S M S code 8 3 9 2 0 1", None),  # letters spaced out are not the word
        ("SMS code 8 3 9 2 0 1", "sms_code"),  # digits spaced out are still the code
        ("PIN is 48-29-13", "pin"),
        ("PIN ٤٨٢٩", "pin"),  # Arabic-Indic digits
        ("OTP ８３９２０１", "sms_code"),
        ("ＰＡＳＳＷＯＲＤ： hunter2", "password"),
    ],
)
def test_a_secret_phrase_is_found_however_it_is_typed(text, code):
    assert find_secret(text) == code


def test_every_invisible_format_character_is_ignored():
    format_characters = [
        chr(code_point)
        for code_point in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code_point)) == "Cf"
    ]
    assert len(format_characters) > 150
    missed = [char for char in format_characters if find_secret(f"C{char}VV 123") is None]
    assert [f"U+{ord(char):04X}" for char in missed] == []


# --- Ordinary text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I paid 200 yuan on 2026-12-01 at 10:30",
        "step 3 of 11",
        "+44 7400 123456",
        "Call +1 212 555 0100 after 9",
        "I used my work email, anna@example.com",
        "The PIN step was easy",
        "I set a payment PIN in the app",
        "My PIN is set up, fingerprint too",
        "I got the SMS code after 2 minutes",
        "The verification code never arrived",
        "passport expires 2030-01-01",
        "Passport photo page: take 2 copies",
        "I need my passport and visa for step 4",
        "I changed my password",
        "password reset worked",
        "my password is",
        "修改密码",
        "密码很难记",
        "Spinning 1234 times",
        "Tip: 15% of 300 is 45",
        "Room 1205, building 3, 88 Century Avenue",
    ],
)
def test_ordinary_text_passes(text):
    assert find_secret(text) is None


# --- The validator -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("4111 1111 1111 1111", "card_number"),
        ("CVV 123", "security_code"),
        ("my payment PIN is 482913", "pin"),
        ("SMS code 839201", "sms_code"),
        ("passport number K12345678", "document_number"),
        ("Alipay password: hunter2", "password"),
    ],
)
def test_the_validator_refuses_with_the_reason_and_a_plain_message(text, code):
    with pytest.raises(ValidationError) as refused:
        refuse_secrets(text)
    assert refused.value.code == code
    assert refused.value.message == MESSAGES[code]
    assert "Remove it" in refused.value.message


def test_the_card_number_message_says_why_and_what_to_do():
    with pytest.raises(ValidationError) as refused:
        refuse_secrets("4111 1111 1111 1111")
    assert refused.value.message == (
        "This looks like a card number. Remove it: this site never needs your card number."
    )


def test_each_reason_has_a_message_of_its_own():
    assert set(MESSAGES) == {
        "card_number",
        "security_code",
        "pin",
        "sms_code",
        "document_number",
        "password",
    }
    assert len(set(MESSAGES.values())) == 6


def test_the_validator_lets_ordinary_text_through():
    refuse_secrets("I paid 200 yuan on 2026-12-01 at 10:30")


# --- Properties --------------------------------------------------------------------------------

card_numbers = st.builds(with_check_digit, st.text(alphabet="0123456789", min_size=12, max_size=18))
# Spaces, punctuation, format and control characters: none of them is a letter or a digit,
# whatever NFKC makes of it.
separator_runs = st.text(
    alphabet=st.characters(
        categories=("Zs", "Zl", "Zp", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Cf", "Cc")
    ),
    max_size=3,
)
letters = st.text(alphabet=st.characters(categories=("L",)), max_size=8)


@settings(deadline=None)
@given(number=card_numbers, separators=st.data(), before=letters, after=letters)
def test_any_luhn_valid_number_is_found_whatever_separates_and_surrounds_it(
    number, separators, before, after
):
    joined = number[0] + "".join(separators.draw(separator_runs) + digit for digit in number[1:])
    assert find_secret(before + joined + after) == "card_number"


@settings(deadline=None)
@given(digits=st.text(alphabet="0123456789", max_size=40))
def test_a_digit_run_is_a_card_number_exactly_when_a_window_passes_luhn(digits):
    windows = (
        digits[start : start + length]
        for length in range(13, 20)
        for start in range(len(digits) - length + 1)
    )
    expected = "card_number" if any(luhn_valid(window) for window in windows) else None
    assert find_secret(digits) == expected


@settings(deadline=None)
@given(text=st.text())
def test_find_secret_never_raises(text):
    code = find_secret(text)
    assert code is None or code in MESSAGES


@settings(deadline=None)
@given(text=st.text())
def test_the_validator_refuses_exactly_what_find_secret_finds(text):
    code = find_secret(text)
    if code is None:
        refuse_secrets(text)
    else:
        with pytest.raises(ValidationError) as refused:
            refuse_secrets(text)
        assert refused.value.code == code
