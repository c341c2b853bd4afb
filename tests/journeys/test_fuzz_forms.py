"""Every form kind, given arbitrary field values: no crash, and only safe answers are kept."""

from __future__ import annotations

import json

from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

from onboarding.journeys.forms import FORM_KINDS, form_class_for, looks_like_card_number
from tests.strategies import any_fields, drafts, examples, step_info

PREFIX = "fuzz-step"

# What each kind may keep. Nothing else: above all no document, card or phone PIN numbers.
ANSWER_KEYS = {
    "read": set(),
    "checklist": {"ticked"},
    "situation": {"location"},
    "contact": {"mobile", "email"},
    "identity": {"document_type", "issuing_country", "expiry_date"},
    "security": {"methods"},
    "card": {"network"},
}


def bound_form(kind: str, values: dict):
    data = MultiValueDict(
        {name: value if isinstance(value, list) else [value] for name, value in values.items()}
    )
    return form_class_for(kind)(data=data, prefix=PREFIX, step=step_info(kind, slug=PREFIX))


def fields_for(kind: str):
    return any_fields(form_class_for(kind)(prefix=PREFIX, step=step_info(kind, slug=PREFIX)))


# Built once: Hypothesis validates a strategy the first time it draws from it.
KINDS_AND_FIELDS = st.one_of([st.tuples(st.just(kind), fields_for(kind)) for kind in FORM_KINDS])


@examples(weight=30)
@given(kind_and_fields=KINDS_AND_FIELDS)
def test_any_field_values_are_validated_without_crashing(count_case, kind_and_fields):
    count_case()
    kind, values = kind_and_fields
    form = bound_form(kind, values)
    if form.is_valid():
        answers = form.to_answers()
        assert json.loads(json.dumps(answers)) == answers
        assert set(answers) <= ANSWER_KEYS[kind] | {"note"}
        assert not looks_like_card_number(answers.get("note", ""))
        assert all(isinstance(warning, str) for warning in form.warnings())
    else:
        messages = [message for errors in form.errors.values() for message in errors]
        assert messages and all(isinstance(message, str) and message for message in messages)


@examples(weight=15)
@given(kind_and_fields=KINDS_AND_FIELDS)
def test_kept_answers_read_back_into_the_form_and_the_summary(count_case, kind_and_fields):
    count_case()
    kind, values = kind_and_fields
    form = bound_form(kind, values)
    if form.is_valid():
        form_class = form_class_for(kind)
        answers = form.to_answers()
        initial = form_class.initial_from(answers)
        assert set(initial) <= set(form.fields)
        summary = form_class.summary_of(answers)
        assert all(isinstance(q, str) and isinstance(a, str) for q, a in summary)


@examples(weight=6)
@given(kind_and_fields=KINDS_AND_FIELDS)
def test_a_refused_form_is_shown_again_with_what_was_typed(count_case, kind_and_fields):
    count_case()
    kind, values = kind_and_fields
    form = bound_form(kind, values)
    form.is_valid()
    str(form)


KINDS_AND_DRAFTS = st.one_of(
    [st.tuples(st.just(kind), drafts(form_class_for(kind)(step=step_info(kind)).fields))
     for kind in FORM_KINDS]
)  # fmt: skip


@examples(weight=6)
@given(kind_and_draft=KINDS_AND_DRAFTS)
def test_any_draft_in_the_session_renders_as_initial_values(count_case, kind_and_draft):
    count_case()
    kind, draft = kind_and_draft
    str(form_class_for(kind)(initial=draft, prefix=PREFIX, step=step_info(kind, slug=PREFIX)))
