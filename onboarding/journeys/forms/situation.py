"""Where the person is and whether they have an account: the answers that steer the guide."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from onboarding.journeys.forms.base import Answers, StepForm


class SituationForm(StepForm):
    kind = "situation"
    draft_fields = ("location", "has_account")
    LOCATIONS: ClassVar[dict[str, str]] = {
        "outside": "Outside mainland China (or not landed yet)",
        "inside": "In mainland China",
    }
    ACCOUNT: ClassVar[dict[str, str]] = {
        "no": "No, not yet",
        "yes": "Yes, I have one already",
    }
    location = forms.ChoiceField(
        label="Where are you now?",
        help_text="Hong Kong, Macao and Taiwan count as outside mainland China here.",
        choices=list(LOCATIONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where you are now."},
    )
    has_account = forms.ChoiceField(
        label="Do you already have an Alipay account?",
        help_text="If you do, the steps for installing and signing up are left out.",
        choices=list(ACCOUNT.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you already have an Alipay account."},
    )

    def to_answers(self) -> dict[str, Any]:
        return self.steering_answers()

    def steering_answers(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("location", "has_account")}

    def answer_summary(self) -> list[tuple[str, str]]:
        return [
            ("Where you are", self.LOCATIONS[self.cleaned_data["location"]]),
            ("Alipay account already", self.ACCOUNT[self.cleaned_data["has_account"]]),
        ]

    @classmethod
    def answer_data(cls, answers: Answers) -> dict[str, Any]:
        return {name: answers[name] for name in ("location", "has_account") if name in answers}
