"""Every form kind, given arbitrary field values: no crash, and only safe answers are kept."""

from __future__ import annotations

import json

from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

from onboarding.journeys.forms import FORM_KINDS, form_class_for
from tests.strategies import any_fields, drafts, examples, step_info

PREFIX = "fuzz-step"

# What each kind may keep. Nothing else: above all no phone number, date, card or document number.
ANSWER_KEYS = {
    "read": set(),
    "checklist": {"ticked"},
    "situation": {"location", "has_account"},
    "phone": set(),
    "identity": {"document_type", "issuing_country", "validity"},
    "security": {"methods"},
    "card": {"network"},
}
VALUES_KEPT = {
    "location": {"outside", "inside"},
    "has_account": {"yes", "no"},
    "document_type": {"passport", "other"},
    "validity": {"expired", "under_six_months", "over_six_months"},
    "network": {"visa", "mastercard", "jcb", "diners", "discover", "amex", "unionpay", "other"},
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
def test_any_field_values_are_validated_and_only_known_answers_are_kept(
    count_case, kind_and_fields
):
    count_case()
    kind, values = kind_and_fields
    form = bound_form(kind, values)
    if form.is_valid():
        answers = {} if form.skipped else form.to_answers()
        assert json.loads(json.dumps(answers)) == answers
        assert set(answers) <= ANSWER_KEYS[kind]
        for key, allowed in VALUES_KEPT.items():
            if key in answers:
                assert answers[key] in allowed
    else:
        messages = [message for errors in form.errors.values() for message in errors]
        assert messages and all(isinstance(message, str) and message for message in messages)


@examples(weight=15)
@given(kind_and_fields=KINDS_AND_FIELDS)
def test_kept_answers_rebuild_a_form_that_validates_to_the_same_answers(
    count_case, kind_and_fields
):
    count_case()
    kind, values = kind_and_fields
    form = bound_form(kind, values)
    if form.is_valid() and not form.skipped:
        answers = form.to_answers()
        data = form_class_for(kind).data_from(answers, status="done")
        again = bound_form(kind, {f"{PREFIX}-{name}": value for name, value in data.items()})
        assert again.is_valid(), again.errors
        assert again.to_answers() == answers
        assert all(isinstance(q, str) and isinstance(a, str) for q, a in again.summary())


@examples(weight=6)
@given(kind_and_fields=KINDS_AND_FIELDS)
def test_a_refused_form_renders_again(count_case, kind_and_fields):
    count_case()
    kind, values = kind_and_fields
    form = bound_form(kind, values)
    form.is_valid()
    assert 'name="' in str(form) or not form.fields


@examples(weight=15)
@given(kind_and_fields=KINDS_AND_FIELDS)
def test_a_draft_holds_only_draft_fields_with_values_a_save_would_accept(
    count_case, kind_and_fields
):
    count_case()
    kind, values = kind_and_fields
    form = bound_form(kind, values)
    draft = form.draft()
    assert set(draft) <= set(form.draft_fields)
    for name, value in draft.items():
        form.fields[name].clean(value)  # raises if the draft kept something refused


KINDS_AND_DRAFTS = st.one_of(
    [st.tuples(st.just(kind), drafts(form_class_for(kind)(step=step_info(kind)).fields))
     for kind in FORM_KINDS]
)  # fmt: skip


@examples(weight=6)
@given(kind_and_draft=KINDS_AND_DRAFTS)
def test_any_draft_in_the_session_renders_as_initial_values(count_case, kind_and_draft):
    count_case()
    kind, draft = kind_and_draft
    form = form_class_for(kind)(initial=draft, prefix=PREFIX, step=step_info(kind, slug=PREFIX))
    assert 'name="' in str(form) or not form.fields
