"""What every step form shares: its step, its action (done, skip or check) and its answers.

A step form asks only what steers the guide or what the person wants checked. Its answers are
what is kept; formtools' step data for a finished step is rebuilt from them (`data_from`), so a
done step opened again shows what was given and validates as it did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms

from onboarding.guides.selectors import StepInfo

Answers = Mapping[str, Any]
DONE = "done"
SKIP = "skip"
CHECK = "check"
ACTIONS = (DONE, SKIP, CHECK)


class StepForm(forms.Form):
    """A step's form: validates, and turns cleaned data into answers to keep."""

    kind: ClassVar[str]
    template_name = "journeys/forms/step_form.html"
    # Fields whose half-typed values may be kept as a draft when the person presses Back or
    # "I'm stuck": choices only, never typed text such as a phone number or a date.
    draft_fields: ClassVar[tuple[str, ...]] = ()
    # Whether the page offers a "Check" button (an answer shown at once, nothing saved).
    checks: ClassVar[bool] = False
    # What a check found, for the page to show (the phone and identity forms set them). Defined
    # here so that a page asking another form for them finds "nothing", not a failed look-up.
    how_to_type: Any = None
    checked_validity: str | None = None

    def __init__(self, *args: Any, step: StepInfo, **kwargs: Any) -> None:
        self.step = step
        super().__init__(*args, **kwargs)
        self.action = self.data.get(self.add_prefix("action"), DONE) if self.is_bound else DONE
        if self.skipped:
            # Skipping answers none of the step's questions.
            self.fields = {}

    @property
    def skipped(self) -> bool:
        return self.action == SKIP

    @property
    def status(self) -> str:
        return "skipped" if self.skipped else "done"

    def to_answers(self) -> dict[str, Any]:
        """The cleaned data as JSON-safe answers to keep (a subclass adds its own)."""
        return {}

    def steering_answers(self) -> dict[str, Any]:
        """Answers that decide which steps apply (see guides/conditions.py)."""
        return {}

    def summary(self) -> list[tuple[str, str]]:
        """(question, answer) pairs for the check-your-answers page, from the cleaned data."""
        return [("Answer", "Skipped")] if self.skipped else self.answer_summary()

    def answer_summary(self) -> list[tuple[str, str]]:
        return []

    @classmethod
    def data_from(cls, answers: Answers, *, status: str) -> dict[str, Any]:
        """Form data (unprefixed) that gives back these saved answers: formtools' step data."""
        if status == "skipped":
            return {"action": SKIP}
        return {"action": DONE, **cls.answer_data(answers)}

    @classmethod
    def answer_data(cls, answers: Answers) -> dict[str, Any]:
        return {}

    def draft(self) -> dict[str, Any]:
        """What may be kept of this half-typed form: its draft fields whose values are valid."""
        kept = {}
        for name in self.draft_fields:
            field = self.fields.get(name)
            if field is None:
                continue
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            try:
                field.clean(value)
            except forms.ValidationError:
                continue  # a value that would be refused on saving is never kept either
            kept[name] = value
        return kept
