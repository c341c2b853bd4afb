"""Verifying the passport: which document, and a validity check. The date is never kept."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from onboarding.journeys.forms.base import CHECK, Answers, StepForm
from onboarding.journeys.forms.countries import country_name, issuing_country_choices
from onboarding.journeys.forms.validators import Validity, passport_validity
from onboarding.journeys.forms.widgets import LongSelect


class IdentityForm(StepForm):
    kind = "identity"
    checks = True
    draft_fields = ("document_type", "issuing_country")
    DOCUMENT_TYPES: ClassVar[dict[str, str]] = {
        "passport": "Passport",
        "other": "Another document the app accepted",
    }
    document_type = forms.ChoiceField(
        label="Which document did you use?",
        choices=list(DOCUMENT_TYPES.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the document you used."},
    )
    issuing_country = forms.ChoiceField(
        label="Which country issued it?",
        required=False,
        choices=issuing_country_choices,
        widget=LongSelect,
    )
    expiry_date = forms.DateField(
        label="When does it expire? (optional check)",
        help_text="We tell you here whether it is still valid long enough, and never keep the "
        "date. We never ask for the document number.",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the expiry date as a real date, for example 2030-03-31."},
    )
    # What the check found, carried by the page so that saving keeps it without the date.
    validity = forms.ChoiceField(
        required=False,
        choices=[("", ""), *Validity.LABELS.items()],
        widget=forms.HiddenInput,
    )
    # Set once the under-six-months warning has been shown, so a second press saves.
    warned = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        expiry: datetime.date | None = cleaned.get("expiry_date")
        if expiry is None:
            return cleaned
        validity = passport_validity(expiry, today=timezone.localdate())
        cleaned["validity"] = validity
        self.checked_validity = validity
        # The page shown again carries what the check found (never the date it found it from).
        self.data = self.data.copy()
        self.data[self.add_prefix("validity")] = validity
        if validity == Validity.EXPIRED:
            self.add_error(
                "expiry_date",
                forms.ValidationError(
                    f"This document expired on {expiry:%-d %B %Y}. Alipay needs one that is "
                    "still valid: renew it first, or use another valid document.",
                    code="expired",
                ),
            )
        elif (
            validity == Validity.UNDER_SIX_MONTHS
            and self.action != CHECK
            and not cleaned.get("warned")
        ):
            self.add_error(
                "expiry_date",
                forms.ValidationError(
                    f"Your document runs out on {expiry:%-d %B %Y}, within six months. Alipay may "
                    "refuse it or ask again soon, so think about renewing it first. To carry on "
                    "anyway, press “I've done this” again.",
                    code="under_six_months",
                ),
            )
            self.data[self.add_prefix("warned")] = "on"
        return cleaned

    def to_answers(self) -> dict[str, Any]:
        answers = {"document_type": self.cleaned_data["document_type"]}
        if self.cleaned_data.get("issuing_country"):
            answers["issuing_country"] = self.cleaned_data["issuing_country"]
        if self.cleaned_data.get("validity"):
            answers["validity"] = self.cleaned_data["validity"]
        return answers

    def answer_summary(self) -> list[tuple[str, str]]:
        rows = [("Document", self.DOCUMENT_TYPES[self.cleaned_data["document_type"]])]
        if self.cleaned_data.get("issuing_country"):
            rows.append(("Issued by", country_name(self.cleaned_data["issuing_country"])))
        if self.cleaned_data.get("validity"):
            rows.append(("Validity", Validity.LABELS[self.cleaned_data["validity"]]))
        return rows

    @classmethod
    def answer_data(cls, answers: Answers) -> dict[str, Any]:
        kept = ("document_type", "issuing_country", "validity")
        return {name: answers[name] for name in kept if name in answers}
