"""Wizard storage that keeps nothing but unsaved drafts, in the session.

The database holds every saved answer and the URL names the current step, so between requests
the wizard only needs what someone typed on a step before pressing Back. Reading a step never
writes the session, and every tab of a browser shares these drafts harmlessly: a draft only
pre-fills a form, it is never taken as a saved answer.
"""

from __future__ import annotations

from typing import Any

from formtools.wizard.storage.base import BaseStorage


class DraftStorage(BaseStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Current step and step data live for this request only.
        self.init_data()

    def _drafts(self) -> dict[str, dict[str, Any]]:
        return self.request.session.get(self.prefix, {})

    def draft(self, step: str) -> dict[str, Any]:
        """What was typed on a step and not yet saved."""
        return self._drafts().get(step, {})

    def save_draft(self, step: str, values: dict[str, Any]) -> None:
        self.request.session[self.prefix] = {**self._drafts(), step: values}

    def set_step_data(self, step: str, cleaned_data: Any) -> None:
        """A valid save supersedes the step's draft (the answers are in the database)."""
        drafts = self._drafts()
        if step in drafts:
            self.request.session[self.prefix] = {k: v for k, v in drafts.items() if k != step}

    def reset(self) -> None:
        super().reset()
        if self.prefix in self.request.session:
            del self.request.session[self.prefix]
