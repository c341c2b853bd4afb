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
_CARD_LENGTHS = range(13, 20)
_LONG_DIGIT_RUN = re.compile(r"[0-9]{13,}")
_ANY_DIGIT = re.compile(r"\d")
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
    """The text as it is searched: NFKC, no format characters, ASCII digits, case folded, and
    no separators between digits."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        # Zero-width spaces, joiners and soft hyphens are invisible: they must hide nothing.
        text = "".join(char for char in text if unicodedata.category(char) != "Cf")
        # Arabic-Indic, Devanagari and other digits are read as digits all the same.
        text = _ANY_DIGIT.sub(lambda digit: str(unicodedata.decimal(digit[0], digit[0])), text)
    return _BETWEEN_DIGITS.sub("", text.casefold())


def _has_luhn_window(digits: str) -> bool:
    """Whether any 13-19-digit window of a run of ASCII digits passes the Luhn check."""
    # Checking each window on its own costs its length, and a run of 256 KB of digits with no
    # valid window ("1111...") would take seconds. Luhn doubles every second digit counted
    # from a window's right-hand end, so which digits are doubled depends only on the parity of
    # that end: two running sums, one per parity, give every window's total by subtraction.
    sums: tuple[list[int], list[int]] = ([0], [0])
    for index, char in enumerate(digits):
        plain = int(char)
        doubled = plain * 2 - 9 if plain > 4 else plain * 2
        for end_parity, running in enumerate(sums):
            running.append(running[-1] + (plain if index % 2 == end_parity else doubled))
    for end in range(len(digits)):
        running = sums[end % 2]
        for length in _CARD_LENGTHS:
            start = end + 1 - length
            if start < 0:
                break
            if (running[end + 1] - running[start]) % 10 == 0:
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
