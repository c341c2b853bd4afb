"""Signing up: check how to type the phone number in Alipay. The number is never kept."""

from __future__ import annotations

from typing import Any

from django import forms

from onboarding.journeys.forms.base import CHECK, StepForm
from onboarding.journeys.forms.countries import phone_country_choices
from onboarding.journeys.forms.validators import HowToType, check_mobile_number
from onboarding.journeys.forms.widgets import LongSelect


class PhoneForm(StepForm):
    kind = "phone"
    checks = True
    # Neither field is ever kept, not even in a draft: a phone number is personal data.
    draft_fields = ()
    country = forms.ChoiceField(
        label="Country of the number",
        help_text="Not needed if you type the number with its country code, like +44.",
        required=False,
        choices=phone_country_choices,
        widget=LongSelect,
    )
    number = forms.CharField(
        label="Mobile number",
        help_text="Optional: type it to see how it goes into the app. We check it here and "
        "never keep it.",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        number = cleaned.get("number", "")
        if number:
            try:
                self.how_to_type: HowToType | None = check_mobile_number(
                    number, region=cleaned.get("country", "")
                )
            except forms.ValidationError as error:
                self.add_error("number", error)
        elif self.action == CHECK:
            self.add_error("number", "Type the number you will give Alipay, then press Check.")
        return cleaned

    def answer_summary(self) -> list[tuple[str, str]]:
        return [("Signed up", "Yes")]
