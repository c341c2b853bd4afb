"""django-formtools storage over the database: a journey's saved steps are the wizard's data.

formtools asks its storage for each step's data (to show a done step as done, and to check every
step before the finish page) and hands it each valid step to keep. Here a finished step's data is
rebuilt from its progress row, and keeping a step writes that row at once (services.py), so
closing the tab loses nothing and another device sees it. The current step is the journey's
suggested one until the URL names another; it is held for the request only, so a GET writes
nothing. The session holds just drafts typed before Back or "I'm stuck", and only what would pass
the same checks as a save (StepForm.draft).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from formtools.wizard.storage.base import BaseStorage

from onboarding.journeys import services
from onboarding.journeys.forms import form_class_for
from onboarding.journeys.selectors import Progress, RowSnapshot, progress_of, progress_on_request


@dataclass(frozen=True, slots=True)
class StepRecord:
    """What the wizard keeps of a valid step (its process_step result)."""

    status: str
    answers: dict[str, Any] = field(default_factory=dict)
    steering: dict[str, Any] = field(default_factory=dict)


class JourneyStorage(BaseStorage):
    def __init__(
        self, prefix: str, request: HttpRequest | None = None, file_storage: Any = None
    ) -> None:
        super().__init__(prefix, request, file_storage)
        self.init_data()
        guide_slug = request.resolver_match.kwargs["guide"]
        self.progress: Progress = progress_on_request(request, guide_slug=guide_slug)

    # --- The current step: the journey's suggested step, or the one this request is on. -----

    def _get_current_step(self) -> str | None:
        chosen = self.data[self.step_key]
        if chosen is not None:
            return chosen
        suggested = self.progress.suggested
        return suggested.step.slug if suggested else None

    # --- Step data: the journey's progress rows. ---------------------------------------------

    def get_step_data(self, step: str) -> MultiValueDict | None:
        """A finished step's form data, rebuilt from its saved answers; None for the others."""
        state = self.progress.state(step)
        if state is None or not state.finished:
            return None
        answers = self.progress.rows[state.step.id].answers
        data = form_class_for(state.step.form_kind).data_from(answers, status=state.status)
        return MultiValueDict(
            {
                f"{step}-{name}": value if isinstance(value, list) else [value]
                for name, value in data.items()
            }
        )

    def set_step_data(self, step: str, cleaned_data: StepRecord) -> None:
        """Keep a valid step: write its progress row now, and drop its draft."""
        state = self.progress.state(step)
        journey = self.progress.journey or services.ensure_journey(
            request=self.request, guide_id=self.progress.guide.id
        )
        previous = self.progress.rows.get(state.step.id)
        saved_row = RowSnapshot(
            status=cleaned_data.status, answers=cleaned_data.answers, completed_at=None
        )
        planned = progress_of(
            structure=self.progress.guide,
            journey=journey,
            rows={**self.progress.rows, state.step.id: saved_row},
            steering={**journey.answers, **cleaned_data.steering},
        )
        following = planned.suggested
        saved = services.record_step(
            journey=journey,
            step=state.step,
            status=cleaned_data.status,
            answers=cleaned_data.answers,
            steering=cleaned_data.steering,
            next_step=following.step if following else None,
            first_finished_at=previous.completed_at if previous else None,
        )
        # The next step's new "in progress" row changes nothing this request reads: it is still
        # the suggested step, and still unfinished.
        rows = {**self.progress.rows, state.step.id: saved}
        self.progress = progress_of(structure=self.progress.guide, journey=journey, rows=rows)
        if self.progress.complete:
            services.complete_journey(journey=journey)
        self.forget_draft(step)

    def get_step_files(self, step: str) -> None:
        return None  # no step takes a file

    def set_step_files(self, step: str, files: dict[str, Any]) -> None:
        if files:
            raise ValueError("No step of a guide takes a file.")

    def reset(self) -> None:
        """formtools resets after the finish page: progress stays, as the database holds it."""
        self.init_data()

    def update_response(self, response: Any) -> None:
        """Nothing to add: drafts are saved with the session, progress in the database."""

    # --- Drafts, in the session. ----------------------------------------------------------

    def _drafts(self) -> dict[str, dict[str, Any]]:
        return self.request.session.get(self.prefix, {})

    def draft(self, step: str) -> dict[str, Any]:
        """What was typed on a step and kept as a draft (only values a save would accept)."""
        return self._drafts().get(step, {})

    def save_draft(self, step: str, values: dict[str, Any]) -> None:
        drafts = {**self._drafts(), step: values}
        if not values:
            drafts.pop(step)
        if drafts != self._drafts():
            self.request.session[self.prefix] = drafts

    def forget_draft(self, step: str) -> None:
        drafts = self._drafts()
        if step in drafts:
            self.request.session[self.prefix] = {k: v for k, v in drafts.items() if k != step}
