"""Which card network the person linked (never the card's digits)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from onboarding.journeys.forms.base import Answers, StepForm


class CardForm(StepForm):
    kind = "card"
    draft_fields = ("network",)
    NETWORKS: ClassVar[dict[str, str]] = {
        "visa": "Visa",
        "mastercard": "Mastercard",
        "jcb": "JCB",
        "diners": "Diners Club",
        "discover": "Discover",
        "amex": "American Express",
        "unionpay": "UnionPay",
        "other": "Another card",
    }
    network = forms.ChoiceField(
        label="Which kind of card did you link?",
        help_text="We never ask for the card number.",
        choices=list(NETWORKS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of card you linked."},
    )

    def to_answers(self) -> dict[str, Any]:
        return {"network": self.cleaned_data["network"]}

    def answer_summary(self) -> list[tuple[str, str]]:
        return [("Card", self.NETWORKS[self.cleaned_data["network"]])]

    @classmethod
    def answer_data(cls, answers: Answers) -> dict[str, Any]:
        return {"network": answers["network"]} if "network" in answers else {}
