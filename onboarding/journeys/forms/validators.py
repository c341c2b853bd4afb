"""The checks a person can ask for on a step page: answered at once, never kept.

The phone check says whether a number is a mobile number that can get Alipay's SMS and exactly
how to type it in the app; the passport check says whether it is still valid, and for how long.
Only their answers may be kept ("valid for more than six months"), never what was typed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError

from onboarding.journeys.forms.countries import country_name

MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
EXAMPLE_REGION = "GB"


@dataclass(frozen=True, slots=True)
class HowToType:
    """How a checked number goes into Alipay's sign-up screen."""

    country: str
    country_code: int
    national_number: str

    def __str__(self) -> str:
        return f"Pick +{self.country_code} ({self.country}), then type {self.national_number}"


def example_for(region: str) -> str:
    """A mobile number of the region written both ways, for error messages."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return ""
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(
        example, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return f"{national} or {international}"


def check_mobile_number(text: str, *, region: str) -> HowToType:
    """How to type this number in Alipay, or a ValidationError saying what would pass."""
    region = region or None
    typed = text.strip()
    if typed.startswith("00"):
        # 00 is how many countries dial abroad; phonenumbers reads it as +.
        typed = "+" + typed[2:]
    if region is None and not typed.startswith("+"):
        raise ValidationError(
            "Choose the country of your number, or type it with its country code, for example "
            f"{example_for(EXAMPLE_REGION).split(' or ')[1]}.",
            code="no_country",
        )
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(_not_a_number(region), code="not_a_number") from None
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number) or region
        raise ValidationError(_not_a_number(where), code="invalid")
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise ValidationError(
            "This looks like a landline. Alipay sends its code by SMS, so give a mobile number"
            f"{_example_suffix(phonenumbers.region_code_for_number(number))}.",
            code="not_mobile",
        )
    number_region = phonenumbers.region_code_for_number(number)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    # "+44 7400 123456": after the country code comes what the app's number box takes, grouped
    # for reading and without the leading 0 that some countries dial at home.
    return HowToType(
        country=country_name(number_region) or number_region,
        country_code=number.country_code,
        national_number=international.partition(" ")[2] or str(number.national_number),
    )


def _example_suffix(region: str | None) -> str:
    example = example_for(region) if region else ""
    return f", for example {example}" if example else ""


def _not_a_number(region: str | None) -> str:
    where = f" for {country_name(region)}" if region and country_name(region) else ""
    return (
        f"We cannot read this as a phone number{where}. Type it as you would dial it"
        f"{_example_suffix(region or EXAMPLE_REGION)}."
    )


class Validity:
    """What the passport check keeps: how long the document is valid, never its date."""

    EXPIRED = "expired"
    UNDER_SIX_MONTHS = "under_six_months"
    OVER_SIX_MONTHS = "over_six_months"
    LABELS = {
        EXPIRED: "Expired",
        UNDER_SIX_MONTHS: "Valid for less than six months",
        OVER_SIX_MONTHS: "Valid for more than six months",
    }


def six_months_after(day: datetime.date) -> datetime.date:
    """The same day six months later (the month's last day when that month is shorter)."""
    month = day.month + 6
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def passport_validity(expiry: datetime.date, *, today: datetime.date) -> str:
    """Expired (before today), under six months, or over six months from today."""
    if expiry < today:
        return Validity.EXPIRED
    if expiry < six_months_after(today):
        return Validity.UNDER_SIX_MONTHS
    return Validity.OVER_SIX_MONTHS
