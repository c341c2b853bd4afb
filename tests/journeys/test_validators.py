"""The phone and passport checks, with their boundaries written out."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from onboarding.journeys.forms.validators import (
    HowToType,
    Validity,
    check_mobile_number,
    example_for,
    passport_validity,
    six_months_after,
)

TODAY = datetime.date(2026, 1, 15)


def day(year, month, d):
    return datetime.date(year, month, d)


def test_six_months_after_is_the_same_day_six_months_on():
    assert six_months_after(day(2026, 1, 15)) == day(2026, 7, 15)


def test_six_months_after_crosses_the_year():
    assert six_months_after(day(2026, 7, 1)) == day(2027, 1, 1)
    assert six_months_after(day(2026, 12, 31)) == day(2027, 6, 30)


def test_six_months_after_june_is_december_of_the_same_year():
    assert six_months_after(day(2026, 6, 30)) == day(2026, 12, 30)


def test_six_months_after_a_day_the_month_lacks_is_its_last_day():
    assert six_months_after(day(2026, 8, 31)) == day(2027, 2, 28)
    assert six_months_after(day(2027, 8, 31)) == day(2028, 2, 29)
    assert six_months_after(day(2026, 8, 30)) == day(2027, 2, 28)
    assert six_months_after(day(2026, 8, 29)) == day(2027, 2, 28)
    assert six_months_after(day(2026, 3, 31)) == day(2026, 9, 30)


def test_a_passport_that_ran_out_yesterday_is_expired():
    assert passport_validity(day(2026, 1, 14), today=TODAY) == "expired"


def test_a_passport_running_out_today_is_still_valid_for_under_six_months():
    assert passport_validity(TODAY, today=TODAY) == "under_six_months"


def test_a_passport_running_out_four_months_on_is_under_six_months():
    assert passport_validity(day(2026, 5, 15), today=TODAY) == "under_six_months"


def test_the_day_before_six_months_is_under_six_months():
    assert passport_validity(day(2026, 7, 14), today=TODAY) == "under_six_months"


def test_exactly_six_months_is_over_six_months():
    assert passport_validity(day(2026, 7, 15), today=TODAY) == "over_six_months"


def test_seven_months_is_over_six_months():
    assert passport_validity(day(2026, 8, 15), today=TODAY) == "over_six_months"


def test_the_validity_words():
    assert Validity.LABELS == {
        "expired": "Expired",
        "under_six_months": "Valid for less than six months",
        "over_six_months": "Valid for more than six months",
    }


def test_a_uk_mobile_number_is_typed_without_its_leading_zero():
    how = check_mobile_number("07400 123456", region="GB")
    assert how == HowToType(
        country="United Kingdom", country_code=44, national_number="7400 123456"
    )
    assert str(how) == "Pick +44 (United Kingdom), then type 7400 123456"


def test_a_number_with_its_country_code_needs_no_country():
    how = check_mobile_number(" +44 7400 123456 ", region="")
    assert (how.country_code, how.national_number) == (44, "7400 123456")


def test_00_is_read_as_plus():
    how = check_mobile_number("0044 7400 123456", region="")
    assert how.country_code == 44
    assert how.country == "United Kingdom"


def test_a_number_without_country_or_code_asks_for_one():
    with pytest.raises(ValidationError) as error:
        check_mobile_number("07400 123456", region="")
    assert error.value.code == "no_country"
    assert error.value.messages[0] == (
        "Choose the country of your number, or type it with its country code, for example "
        "+44 7400 123456."
    )


def test_text_that_is_no_number_is_refused_with_an_example():
    with pytest.raises(ValidationError) as error:
        check_mobile_number("not a number", region="GB")
    assert error.value.code == "not_a_number"
    assert error.value.messages[0] == (
        "We cannot read this as a phone number for United Kingdom. Type it as you would dial "
        "it, for example 07400 123456 or +44 7400 123456."
    )


def test_a_number_too_short_for_its_country_is_invalid():
    with pytest.raises(ValidationError) as error:
        check_mobile_number("0740", region="GB")
    assert error.value.code == "invalid"
    assert "for United Kingdom" in error.value.messages[0]


def test_a_landline_is_refused_with_a_mobile_example():
    with pytest.raises(ValidationError) as error:
        check_mobile_number("020 7946 0000", region="GB")
    assert error.value.code == "not_mobile"
    assert error.value.messages[0] == (
        "This looks like a landline. Alipay sends its code by SMS, so give a mobile number, "
        "for example 07400 123456 or +44 7400 123456."
    )


def test_a_us_number_can_be_mobile_or_landline_and_passes():
    how = check_mobile_number("+1 201 555 0123", region="")
    assert how.country_code == 1
    assert how.country == "United States"


def test_an_example_is_written_both_ways():
    assert example_for("GB") == "07400 123456 or +44 7400 123456"


def test_a_region_without_an_example_has_none():
    assert example_for("ZZ") == ""


def test_an_unreadable_number_without_a_country_gets_the_uk_example():
    with pytest.raises(ValidationError) as error:
        check_mobile_number("+", region="")
    assert error.value.messages[0] == (
        "We cannot read this as a phone number. Type it as you would dial it, for example "
        "07400 123456 or +44 7400 123456."
    )


def test_an_unreadable_number_gets_its_own_countrys_example():
    with pytest.raises(ValidationError) as error:
        check_mobile_number("abc", region="FR")
    assert error.value.messages[0] == (
        "We cannot read this as a phone number for France. Type it as you would dial it, "
        "for example 06 12 34 56 78 or +33 6 12 34 56 78."
    )


def test_an_invalid_number_of_no_country_names_none():
    with pytest.raises(ValidationError) as error:
        check_mobile_number("+800 123", region="")
    assert error.value.code == "invalid"
    assert error.value.messages[0].startswith("We cannot read this as a phone number. ")


def test_an_unreadable_number_of_a_country_without_an_example_offers_none():
    # Antarctica (AQ) is in the country list, and phonenumbers has no number for it.
    with pytest.raises(ValidationError) as error:
        check_mobile_number("abc", region="AQ")
    assert error.value.messages[0] == (
        "We cannot read this as a phone number for Antarctica. Type it as you would dial it."
    )
