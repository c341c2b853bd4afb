"""A checklist step: one box per item; the required ones must be ticked."""

from __future__ import annotations

from typing import Any

from django import forms

from onboarding.guides.selectors import StepInfo
from onboarding.journeys.forms.base import Answers, StepForm


class ChecklistForm(StepForm):
    kind = "checklist"

    def __init__(self, *args: Any, step: StepInfo, **kwargs: Any) -> None:
        self.items = {f"item_{item.id}": item for item in step.checklist}
        self.draft_fields = tuple(self.items)
        super().__init__(*args, step=step, **kwargs)
        if self.skipped:
            return
        for name, item in self.items.items():
            self.fields[name] = forms.BooleanField(
                label=item.text if item.required else f"{item.text} (optional)",
                required=item.required,
                error_messages={"required": f"Tick “{item.text}” when you have it."},
            )

    def to_answers(self) -> dict[str, Any]:
        return {"ticked": [item.id for name, item in self.items.items() if self.cleaned_data[name]]}

    def answer_summary(self) -> list[tuple[str, str]]:
        ticked = [item.text for name, item in self.items.items() if self.cleaned_data.get(name)]
        return [("Ready", "; ".join(ticked) or "Nothing ticked")]

    @classmethod
    def answer_data(cls, answers: Answers) -> dict[str, Any]:
        return {f"item_{item_id}": "on" for item_id in answers.get("ticked", [])}
