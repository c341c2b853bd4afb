"""One form class per `Step.form_kind`, and the registry `FORM_KINDS`.

Adding a kind is one class, one entry here and one name in guides/form_kinds.py.
"""

from __future__ import annotations

from onboarding.journeys.forms.base import StepForm
from onboarding.journeys.forms.card import CardForm
from onboarding.journeys.forms.checklist import ChecklistForm
from onboarding.journeys.forms.identity import IdentityForm
from onboarding.journeys.forms.phone import PhoneForm
from onboarding.journeys.forms.read import ReadForm
from onboarding.journeys.forms.security import SecurityForm
from onboarding.journeys.forms.situation import SituationForm

FORM_KINDS: dict[str, type[StepForm]] = {
    form.kind: form
    for form in (
        ReadForm,
        ChecklistForm,
        SituationForm,
        PhoneForm,
        IdentityForm,
        SecurityForm,
        CardForm,
    )
}


def form_class_for(kind: str) -> type[StepForm]:
    """The form class for a step's form kind."""
    return FORM_KINDS[kind]
