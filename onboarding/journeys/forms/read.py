"""A reading step: the person does what the page says in the app, then one button."""

from __future__ import annotations

from onboarding.journeys.forms.base import StepForm


class ReadForm(StepForm):
    kind = "read"

    def answer_summary(self) -> list[tuple[str, str]]:
        return [("Answer", "Done")]
