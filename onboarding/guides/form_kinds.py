"""The kinds of question a step can ask, by name: what editors choose from in admin.

Each name has one form class in `onboarding.journeys.forms` (its registry `FORM_KINDS`); a test
holds the two lists equal. The names live here so that guides never import journeys.
"""

from __future__ import annotations

FORM_KIND_LABELS: dict[str, str] = {
    "read": "Nothing: one “I've done this” button",
    "checklist": "A checklist (its items below)",
    "situation": "Where the person is, and whether they have an account",
    "phone": "A phone-number check for signing up",
    "identity": "A passport validity check",
    "security": "Which protections they turned on",
    "card": "Which card network they linked",
}


def form_kind_choices() -> list[tuple[str, str]]:
    """The kinds as model-field choices, so an unknown name cannot be saved."""
    return list(FORM_KIND_LABELS.items())
