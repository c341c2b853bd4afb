"""Nothing personal is kept: no model field or kept answer holds a phone number, an email address
(outside the account itself) or a document date."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models

from onboarding.journeys.forms import FORM_KINDS

PERSONAL = re.compile(
    r"phone|mobile|e_?mail|expir|birth|passport_?n|document_?n|card_?n|cvv|cvc|pin\b|sms|password"
)
# The account's own login (the one email kept, and its password hash), and when a share link
# stops working, which is the link's date, not the person's.
ALLOWED = {
    ("accounts", "user", "email"),
    ("accounts", "user", "password"),
    ("sharing", "sharelink", "expires_at"),
}


def test_no_model_of_the_portal_has_a_field_named_for_personal_data():
    found = [
        (model._meta.app_label, model._meta.model_name, field.name)
        for model in apps.get_models()
        if model.__module__.startswith("onboarding.")
        for field in model._meta.get_fields()
        if isinstance(field, models.Field) and PERSONAL.search(field.name)
    ]
    assert set(found) == ALLOWED


def test_no_model_of_the_portal_has_an_email_phone_or_plain_date_field_but_the_accounts():
    kinds = (models.EmailField,)
    found = [
        (model._meta.app_label, model._meta.model_name, field.name)
        for model in apps.get_models()
        if model.__module__.startswith("onboarding.")
        for field in model._meta.get_fields()
        if isinstance(field, kinds)
    ]
    assert found == [("accounts", "user", "email")]


@pytest.mark.parametrize("kind", sorted(FORM_KINDS))
def test_typed_fields_that_could_be_personal_are_never_drafted(kind):
    form = FORM_KINDS[kind]
    personal = {"number", "country", "expiry_date"}
    assert not personal & set(form.draft_fields)


def test_the_phone_form_keeps_nothing_of_the_number(alipay_phone_form):
    assert alipay_phone_form.is_valid(), alipay_phone_form.errors
    assert alipay_phone_form.to_answers() == {}


def test_the_identity_form_keeps_how_long_it_is_valid_never_the_date(alipay_identity_form):
    assert alipay_identity_form.is_valid(), alipay_identity_form.errors
    answers = alipay_identity_form.to_answers()
    assert answers == {
        "document_type": "passport",
        "issuing_country": "FR",
        "validity": "over_six_months",
    }
    assert "2034" not in str(answers)


@pytest.fixture
def alipay_phone_form(steps):
    from onboarding.guides.selectors import guide_structure

    step = guide_structure(guide=steps["sign-up"].guide).step("sign-up")
    data = {"sign-up-number": "+33 6 12 34 56 78", "sign-up-country": "FR"}
    return FORM_KINDS["phone"](data, step=step, prefix="sign-up")


@pytest.fixture
def alipay_identity_form(steps):
    from onboarding.guides.selectors import guide_structure

    step = guide_structure(guide=steps["sign-up"].guide).step("verify-passport")
    data = {
        "verify-passport-document_type": "passport",
        "verify-passport-issuing_country": "FR",
        "verify-passport-expiry_date": "2034-02-03",
    }
    return FORM_KINDS["identity"](data, step=step, prefix="verify-passport")
