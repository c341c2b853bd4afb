"""One guard for secrets in any text a person types: notes, drafts, an account's email.

The portal never needs a card number, a card's security code, a PIN or payment password, an SMS
code, a document number or a password, so text holding one is refused, with a message that says
why and what to do. The text is normalised before it is searched, so a secret is found however it
was typed: NFKC (full-width digits and look-alike letters become plain ones), invisible format
characters dropped, every script's digits read as digits, case folded, and any run of
separators between two digits dropped ("4111.1111 - 1111/1111" is "4111111111111111").

Card numbers: every window of 13 to 19 consecutive digits (the lengths ISO/IEC 7812 allows) of
every digit run is checked, so a digit typed before or after, or an email address around the
number, hides nothing. A window that passes the Luhn check is refused whatever it is. One random
digit string in ten passes, and a run of 16 digits holds ten windows, so about two random
16-digit runs in three are refused (a mistyped card number among them). Phone numbers rarely
collide because most, written with their country code, have 12 digits or fewer (+44 7400 123456
and +1 212 555 0100 are 12 and 11), under the 13-digit floor; the longer ones (E.164 allows 15,
+86 mobiles have 13) pass one time in ten and are then refused too, which costs little: no note
needs a phone number either. Numbers joined only by punctuation ("100, 250, 300, 425, 600")
collide the same way.

The phrases (security code, PIN, SMS code, document number, password) need the secret after them:
"my PIN is set" passes, "my PIN is 4829" does not.
"""

from __future__ import annotations

import itertools
import operator
import re
import unicodedata

from django.core.exceptions import ValidationError

CARD_NUMBER = "card_number"
SECURITY_CODE = "security_code"
PIN = "pin"
SMS_CODE = "sms_code"
DOCUMENT_NUMBER = "document_number"
PASSWORD = "password"

MESSAGES: dict[str, str] = {
    CARD_NUMBER: (
        "This looks like a card number. Remove it: this site never needs your card number."
    ),
    SECURITY_CODE: (
        "This looks like a card security code (CVV). Remove it: this site never needs the "
        "code on the back of your card."
    ),
    PIN: (
        "This looks like a PIN or payment password. Remove it: this site never needs your PIN, "
        "and no one should ask you for it."
    ),
    SMS_CODE: (
        "This looks like an SMS or verification code. Remove it: this site never needs your "
        "codes, and no one should ask you for one."
    ),
    DOCUMENT_NUMBER: (
        "This looks like a passport or ID number. Remove it: this site never needs your "
        "document number."
    ),
    PASSWORD: (
        "This looks like a password. Remove it: this site never needs your password, and no one "
        "should ask you for it."
    ),
}

# Card numbers are 13 (old Visa) to 19 (UnionPay, Maestro) digits long.
_SHORTEST_CARD, _LONGEST_CARD = 13, 19
_LONG_DIGIT_RUN = re.compile(r"[0-9]{13,}")
# Each ASCII digit's value, plain and doubled as Luhn doubles it (7 -> 14 -> 1 + 4 = 5).
_PLAIN = bytes.maketrans(b"0123456789", bytes(range(10)))
_DOUBLED = bytes.maketrans(b"0123456789", bytes([0, 2, 4, 6, 8, 1, 3, 5, 7, 9]))
# Unicode's format characters (category Cf, Unicode 15.1), written out: finding them with
# unicodedata costs a loop in Python over every character of the text.
_FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
# [\W_] is anything but a letter or digit: spaces of every kind, punctuation, symbols, controls.
_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])[\W_]+(?=[0-9])")

_LETTER = r"[^\W\d_]"
# What people put between a phrase and the secret: separators and a few linking words ("CVV
# code: 123", "PIN is 4829", "验证码是 839201", "护照号码 E1234"). Possessive, so a linking word is
# never taken back as the secret itself ("my password is" holds no password) and no backtracking.
_LINK = r"(?:[\W_]|is|was|code|number|num|no|nr|是|为|号|码){0,16}+"


def _phrases(*words: str) -> str:
    """A regex matching any of the given Latin-script phrases, standing as words of their own."""
    return rf"(?<!{_LETTER})(?:{'|'.join(words)})(?!{_LETTER})"


_SECURITY_CODE_WORDS = _phrases("cvv2?", "cvc2?", "cvn2?", "csc", "security code") + "|安全码"
_PIN_WORDS = _phrases("pin", "payment password", "payment pin") + "|支付密码|交易密码"
_SMS_CODE_WORDS = (
    _phrases("sms", "otp", "verification code", "verify code", r"one[\W_]*time code")
    + "|验证码|校验码|动态码"
)
_DOCUMENT_WORDS = (
    _phrases("passport", r"(?:document|id|identity)[\W_]*(?:number|no|nr|card)")
    + "|护照|证件号码?|身份证"
)
# Something with a digit in it: up to three letters (K12345678), then a digit and four more.
_DOCUMENT_VALUE = rf"{_LETTER}{{0,3}}[\W_]?[0-9][^\W_]{{4}}"
_PASSWORD_WORDS = _phrases("password", "passwd", "passcode", "pwd", "pw")

# Checked in this order; the first that matches names the secret. No digit counts end a match:
# separators between digits are dropped, so "CVV 123 12/27" is searched as "cvv 1231227".
_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (SECURITY_CODE, re.compile(rf"(?:{_SECURITY_CODE_WORDS}){_LINK}[0-9]{{3}}")),
    (PIN, re.compile(rf"(?:{_PIN_WORDS}){_LINK}[0-9]{{4}}")),
    (SMS_CODE, re.compile(rf"(?:{_SMS_CODE_WORDS}){_LINK}[0-9]{{4}}")),
    (DOCUMENT_NUMBER, re.compile(rf"(?:{_DOCUMENT_WORDS}){_LINK}{_DOCUMENT_VALUE}")),
    (
        PASSWORD,
        # In Chinese the value may follow at once ("密码是hunter2"), and is ASCII: "密码很难记"
        # (the password is hard to remember) holds none.
        re.compile(rf"{_PASSWORD_WORDS}\s*(?::|=|is|was){_LINK}[^\W_]|密码{_LINK}[!-~]"),
    ),
)


def _normalise(text: str) -> str:
    """The text as searched: NFKC, no format characters, ASCII digits, folded, digits joined."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        # Zero-width spaces, joiners and soft hyphens are invisible: they must hide nothing.
        text = _FORMAT_CHARACTERS.sub("", text)
        # Arabic-Indic, Devanagari and other digits are read as digits all the same.
        # (str.translate over the distinct characters: a regex over each digit is 10x slower.)
        as_ascii = {
            ord(char): str(unicodedata.decimal(char))
            for char in set(text)
            if char.isdecimal() and not char.isascii()
        }
        if as_ascii:
            text = text.translate(as_ascii)
    return _BETWEEN_DIGITS.sub("", text.casefold())


def _has_luhn_window(digits: str) -> bool:
    """Whether any 13-19-digit window of a run of ASCII digits passes the Luhn check."""
    # Checking each window on its own costs its length, and a run of 256 KB of digits with no
    # valid window ("1111...") would take seconds. Luhn doubles every second digit counted from
    # a window's right-hand end, so which digits are doubled depends only on the parity of that
    # end: per parity, one running total (mod 10) gives every window's sum by subtraction, and a
    # window passes when its two ends' totals are equal.
    raw = digits.encode("ascii")
    plain = list(raw.translate(_PLAIN))
    doubled = list(raw.translate(_DOUBLED))
    for end_parity in (0, 1):
        # Digits whose index has the end's parity stay plain, the others are doubled.
        summed = (plain if end_parity == 0 else doubled).copy()
        summed[1::2] = (doubled if end_parity == 0 else plain)[1::2]
        totals = [total % 10 for total in itertools.accumulate(summed, initial=0)]
        # The window digits[start:stop] passes when totals[start] == totals[stop]; compared a
        # window length at a time, over the stops of this parity (every second one).
        for length in range(_SHORTEST_CARD, _LONGEST_CARD + 1):
            first_stop = length + (length + end_parity + 1) % 2
            stops, starts = totals[first_stop::2], totals[first_stop - length :: 2]
            if any(map(operator.eq, stops, starts)):
                return True
    return False


def find_secret(text: str) -> str | None:
    """The reason code of the first secret found in text (see MESSAGES), or None."""
    normalised = _normalise(text)
    if any(_has_luhn_window(run[0]) for run in _LONG_DIGIT_RUN.finditer(normalised)):
        return CARD_NUMBER
    for code, pattern in _PHRASES:
        if pattern.search(normalised):
            return code
    return None


def refuse_secrets(text: str) -> None:
    """Validator for anything a person types: refuse text that holds a secret, saying which."""
    code = find_secret(text)
    if code is not None:
        raise ValidationError(MESSAGES[code], code=code)
