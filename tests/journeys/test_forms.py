"""The checks on step pages: the phone number and the passport, answered at once, never kept."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from onboarding.journeys.forms import FORM_KINDS
from onboarding.journeys.models import StepProgress
from tests.factories import everything_stored, management


def test_every_form_kind_editors_can_choose_has_a_form():
    from onboarding.guides.form_kinds import FORM_KIND_LABELS

    assert set(FORM_KINDS) == set(FORM_KIND_LABELS)


# The validators alone, at their boundaries, are tested in test_validators.py.


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
