"""The checks on step pages: the phone number and the passport, answered at once, never kept."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from onboarding.journeys.forms import FORM_KINDS
from onboarding.journeys.forms.validators import (
    check_mobile_number,
    passport_validity,
    six_months_after,
)
from onboarding.journeys.models import StepProgress
from tests.factories import everything_stored, management

TODAY = datetime.date(2026, 12, 1)


def test_every_form_kind_editors_can_choose_has_a_form():
    from onboarding.guides.form_kinds import FORM_KIND_LABELS

    assert set(FORM_KINDS) == set(FORM_KIND_LABELS)


@pytest.mark.parametrize(
    ("typed", "region", "how"),
    [
        ("07400 123456", "GB", "Pick +44 (United Kingdom), then type 7400 123456"),
        ("+44 7400 123456", "", "Pick +44 (United Kingdom), then type 7400 123456"),
        ("0044 7400 123456", "", "Pick +44 (United Kingdom), then type 7400 123456"),
        ("+1 201-555-0123", "GB", "Pick +1 (United States), then type 201-555-0123"),
        ("0151 2345 6789", "DE", "Pick +49 (Germany), then type 1512 3456789"),
    ],
)
def test_a_mobile_number_is_shown_as_it_goes_into_the_app(typed, region, how):
    assert str(check_mobile_number(typed, region=region)) == how


def test_a_number_without_its_country_asks_for_one_with_an_example_that_passes():
    with pytest.raises(ValidationError) as refused:
        check_mobile_number("07400 123456", region="")
    assert refused.value.code == "no_country"
    assert "+44 7400 123456" in refused.value.messages[0]


def test_a_landline_is_refused_with_a_mobile_example_of_its_country():
    with pytest.raises(ValidationError) as refused:
        check_mobile_number("020 7946 0000", region="GB")
    assert refused.value.code == "not_mobile"
    assert "07400 123456" in refused.value.messages[0]


@pytest.mark.parametrize("typed", ["12345", "not a number", "+44 12"])
def test_something_that_is_no_phone_number_is_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as refused:
        check_mobile_number(typed, region="GB")
    assert "for example" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("expiry", "validity"),
    [
        (TODAY - datetime.timedelta(days=1), "expired"),
        (TODAY, "under_six_months"),  # still valid today
        (datetime.date(2027, 4, 1), "under_six_months"),  # four months
        (datetime.date(2027, 5, 31), "under_six_months"),  # the day before six months
        (datetime.date(2027, 6, 1), "over_six_months"),  # six months to the day
        (datetime.date(2027, 7, 1), "over_six_months"),  # seven months
    ],
)
def test_passport_validity_at_its_boundaries(expiry, validity):
    assert passport_validity(expiry, today=TODAY) == validity


@pytest.mark.parametrize(
    ("day", "later"),
    [
        (datetime.date(2026, 8, 31), datetime.date(2027, 2, 28)),
        (datetime.date(2027, 8, 31), datetime.date(2028, 2, 29)),
        (datetime.date(2026, 12, 1), datetime.date(2027, 6, 1)),
        (datetime.date(2026, 7, 15), datetime.date(2027, 1, 15)),
    ],
)
def test_six_months_after_stays_in_the_month_six_months_on(day, later):
    assert six_months_after(day) == later


# --- Through the step pages ----------------------------------------------------------------


def check_phone(client, number, country=""):
    data = {
        **management("sign-up"),
        "sign-up-action": "check",
        "sign-up-number": number,
        "sign-up-country": country,
    }
    return client.post("/guides/alipay/sign-up/", data)


@pytest.mark.django_db
def test_the_phone_check_answers_on_the_same_page_and_saves_nothing(client, steps):
    response = check_phone(client, "+44 7512 345678")
    assert response.status_code == 200
    assert "Pick +44 (United Kingdom), then type 7512 345678" in response.text
    assert not StepProgress.objects.exists()
    assert "7512" not in everything_stored()


@pytest.mark.django_db
def test_a_wrong_phone_number_is_explained_on_the_page(client, steps):
    response = check_phone(client, "020 7946 0000", country="GB")
    assert "There is a problem" in response.text
    assert "landline" in response.text


@pytest.mark.django_db
def test_signing_up_is_marked_done_with_a_checked_number_kept_nowhere(client, steps):
    data = {**management("sign-up"), "sign-up-number": "+44 7512 345678"}
    assert client.post("/guides/alipay/sign-up/", data).status_code == 302
    assert StepProgress.objects.get(step=steps["sign-up"]).answers == {}
    assert "7512" not in everything_stored()


def passport(client, expiry, **extra):
    client.post("/guides/alipay/sign-up/", management("sign-up"))
    data = {
        **management("verify-passport"),
        "verify-passport-document_type": "passport",
        "verify-passport-expiry_date": expiry.isoformat(),
        **extra,
    }
    return client.post("/guides/alipay/verify-passport/", data)


@pytest.mark.django_db
def test_an_expired_passport_is_explained_before_the_step_is_done(client, steps):
    response = passport(client, timezone.localdate() - datetime.timedelta(days=1))
    assert response.status_code == 200
    assert "expired on" in response.text and "renew it first" in response.text
    assert not StepProgress.objects.filter(step=steps["verify-passport"]).exists()


@pytest.mark.django_db
def test_a_passport_running_out_within_six_months_is_warned_about_before_it_is_done(client, steps):
    expiry = timezone.localdate() + datetime.timedelta(days=60)
    warned = passport(client, expiry)
    assert warned.status_code == 200
    assert "within six months" in warned.text
    assert not StepProgress.objects.filter(step=steps["verify-passport"]).exists()
    saved = passport(client, expiry, **{"verify-passport-warned": "on"})
    assert saved.status_code == 302
    row = StepProgress.objects.get(step=steps["verify-passport"])
    assert row.answers == {"document_type": "passport", "validity": "under_six_months"}


@pytest.mark.django_db
def test_a_valid_passport_keeps_only_that_it_is_valid_for_more_than_six_months(client, steps):
    expiry = datetime.date(2033, 11, 17)
    assert passport(client, expiry).status_code == 302
    row = StepProgress.objects.get(step=steps["verify-passport"])
    assert row.answers == {"document_type": "passport", "validity": "over_six_months"}
    assert "2033" not in everything_stored()
    page = client.get("/guides/alipay/verify-passport/").text
    assert "2033" not in page


@pytest.mark.django_db
def test_the_passport_check_shows_its_answer_without_saving(client, steps):
    response = passport(client, datetime.date(2033, 11, 17), **{"verify-passport-action": "check"})
    assert response.status_code == 200
    assert "valid for more than six months" in response.text
    assert not StepProgress.objects.filter(step=steps["verify-passport"]).exists()
