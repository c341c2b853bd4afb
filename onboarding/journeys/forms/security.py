"""Which protections the person turned on in the app (never the PIN itself)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from onboarding.journeys.forms.base import Answers, StepForm


class SecurityForm(StepForm):
    kind = "security"
    draft_fields = ("methods",)
    METHODS: ClassVar[dict[str, str]] = {
        "payment_password": "A payment password (支付密码)",
        "fingerprint": "Fingerprint",
        "face": "Face recognition",
    }
    methods = forms.MultipleChoiceField(
        label="Which protections did you turn on?",
        help_text="Choose all that apply. We never ask for the password itself.",
        choices=list(METHODS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one protection you turned on."},
    )

    def to_answers(self) -> dict[str, Any]:
        return {"methods": list(self.cleaned_data["methods"])}

    def answer_summary(self) -> list[tuple[str, str]]:
        chosen = ", ".join(self.METHODS[method] for method in self.cleaned_data["methods"])
        return [("Protections", chosen)]

    @classmethod
    def answer_data(cls, answers: Answers) -> dict[str, Any]:
        return {"methods": [m for m in answers.get("methods", []) if m in cls.METHODS]}
