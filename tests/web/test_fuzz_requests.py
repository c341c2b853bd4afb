"""Whole requests with hostile input: never a 500, and a refused request changes no progress.

Each test walks one visitor through the whole guide once, then sends it every generated request;
before and after each, the journey's saved progress is read back and compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from onboarding.journeys.forms import StepForm, form_class_for
from onboarding.journeys.models import Journey, StepProgress
from onboarding.journeys.selectors import progress_for
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import alipay_data, post_step, valid_fields
from tests.strategies import (
    ANY_TEXT,
    CONTENT_TYPES_AND_BODIES,
    HTMX_HEADERS,
    QUERY_STRINGS,
    any_fields,
    examples,
    tampered_management,
    typical_fields,
    url_paths,
)

pytestmark = pytest.mark.django_db

PREFIX = "guide_alipay"
URLENCODED = "application/x-www-form-urlencoded"
METHODS = st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
HX = st.sampled_from([{}, {"HX-Request": "true"}])
# Real guide and step slugs for URL parameters, so generated paths reach the views.
KNOWN = ["alipay", "done", "progress", *(step["slug"] for step in alipay_data()["steps"])]
PATHS = url_paths(KNOWN)


@pytest.fixture
def visitor(steps):
    """A visitor who has walked the whole guide (every step is reachable) and seen the end."""
    client = Client()
    for step in sorted(steps.values(), key=lambda step: step.order):
        assert post_step(client, step, valid_fields(step)).status_code == 302
    assert client.get("/guides/alipay/done/").status_code == 200
    return client, Journey.objects.get()


@dataclass(frozen=True)
class WizardSteps:
    """The guide's step forms, as the wizard builds them, and strategies for their fields.

    Built once per test: Hypothesis validates a strategy the first time it draws from it."""

    forms: dict[str, StepForm]
    slugs: st.SearchStrategy[str]
    any_fields: dict[str, st.SearchStrategy[dict]]
    typical_fields: dict[str, st.SearchStrategy[dict]]


@pytest.fixture
def wizard(alipay):
    progress = progress_for(guide=alipay, journey=None)
    forms = {
        state.step.slug: form_class_for(state.step.form_kind)(
            prefix=state.step.slug, step=state.step
        )
        for state in progress.states
    }
    return WizardSteps(
        forms=forms,
        slugs=st.sampled_from(sorted(forms)),
        any_fields={slug: any_fields(form) for slug, form in forms.items()},
        typical_fields={slug: typical_fields(form) for slug, form in forms.items()},
    )


def saved_progress(journey: Journey) -> tuple:
    """Everything saved about this journey's progress."""
    rows = StepProgress.objects.filter(journey=journey).order_by("step_id")
    fields = ("step_id", "status", "answers", "reached_at", "completed_at", "updated_at")
    answers = Journey.objects.values_list("answers", "completed_at").get(pk=journey.pk)
    return list(rows.values_list(*fields)), answers


def reachable(journey: Journey, slug: str) -> bool:
    journey.refresh_from_db()
    return progress_for(guide=journey.guide, journey=journey).state(slug).can_start


def post_form(client, slug: str, fields: dict, headers: dict):
    body = urlencode(fields, doseq=True)
    return client.post(f"/guides/alipay/{slug}/", body, content_type=URLENCODED, headers=headers)


@examples(weight=12)
@given(
    path=PATHS,
    query=QUERY_STRINGS,
    method=METHODS,
    headers=HTMX_HEADERS,
    stranger=st.booleans(),
)
def test_every_url_answers_below_500_whatever_its_path(
    count_case, visitor, path, query, method, headers, stranger
):
    count_case()
    client, journey = visitor
    before = saved_progress(journey)
    response = (Client() if stranger else client).generic(
        method, f"{path}?{query}", headers=headers
    )
    assert response.status_code < 500
    assert saved_progress(journey) == before


@examples(weight=4)
@given(
    path=st.sampled_from(
        ["/", "/guides/alipay/", "/guides/alipay/progress/", "/guides/alipay/prepare/"]
        + ["/guides/alipay/done/", "/guides/alipay/progress/?step=add-card"]
    ),
    headers=HTMX_HEADERS,
)
def test_htmx_headers_of_any_value_are_answered_below_500(count_case, visitor, path, headers):
    count_case()
    client, journey = visitor
    before = saved_progress(journey)
    assert client.get(path, headers={"HX-Request": "true", **headers}).status_code < 500
    assert saved_progress(journey) == before


@examples(weight=12)
@given(data=st.data(), headers=HX)
def test_a_step_saves_exactly_what_its_form_accepts_and_nothing_it_refuses(
    count_case, visitor, wizard, data, headers
):
    count_case()
    client, journey = visitor
    slug = data.draw(wizard.slugs, label="step")
    fields = data.draw(wizard.any_fields[slug], label="fields")
    for control in ("stuck", "wizard_goto_step"):  # buttons other than Save, tested below
        fields.pop(control, None)
    other_steps = tuple(f"{other}-" for other in wizard.forms if other != slug)
    step = wizard.forms[slug].step
    form = type(wizard.forms[slug])(
        data=QueryDict(urlencode(fields, doseq=True)), prefix=slug, step=step
    )
    can_save = reachable(journey, slug) and not any(k.startswith(other_steps) for k in fields)
    before = saved_progress(journey)

    response = post_form(client, slug, {**fields, f"{PREFIX}-current_step": slug}, headers)

    assert response.status_code < 500
    if can_save and form.is_valid():
        assert response.status_code == 302
        row = StepProgress.objects.get(journey=journey, step_id=step.id)
        assert (row.status, row.answers) == (StepProgress.Status.DONE, form.to_answers())
    else:
        assert response.status_code in {200, 302, 400}
        assert saved_progress(journey) == before


@examples(weight=5)
@given(data=st.data(), headers=HX)
def test_tampered_management_data_is_refused_with_a_400_and_saves_nothing(
    count_case, visitor, wizard, data, headers
):
    count_case()
    client, journey = visitor
    slug = data.draw(wizard.slugs, label="step")
    others = [other for other in wizard.forms if other != slug]
    management = data.draw(tampered_management(prefix=PREFIX, slug=slug, other_slugs=others))
    fields = data.draw(wizard.typical_fields[slug], label="fields")
    before = saved_progress(journey)

    response = post_form(client, slug, {**fields, **management}, headers)

    assert response.status_code == (400 if reachable(journey, slug) else 302)
    assert saved_progress(journey) == before


@examples(weight=3)
@given(data=st.data(), headers=HX)
def test_answers_for_another_step_are_refused_with_a_400_and_save_nothing(
    count_case, visitor, wizard, data, headers
):
    count_case()
    client, journey = visitor
    slug = data.draw(wizard.slugs, label="step")
    # A read step has no fields: answers "for" it would be no answers at all.
    with_fields = wizard.slugs.filter(lambda other: other != slug and wizard.forms[other].fields)
    other = data.draw(with_fields, label="other step")
    fields = {
        **data.draw(wizard.typical_fields[slug], label="fields"),
        **data.draw(wizard.typical_fields[other], label="other step's fields"),
        f"{PREFIX}-current_step": slug,
    }
    before = saved_progress(journey)
    response = post_form(client, slug, fields, headers)
    assert response.status_code == (400 if reachable(journey, slug) else 302)
    assert saved_progress(journey) == before


@examples(weight=4)
@given(data=st.data(), target=st.one_of(ANY_TEXT, st.sampled_from(["about-alipay", "add-card"])))
def test_back_to_any_target_keeps_a_draft_and_saves_nothing(
    count_case, visitor, wizard, data, target
):
    count_case()
    client, journey = visitor
    slug = data.draw(wizard.slugs, label="step")
    fields = data.draw(wizard.any_fields[slug], label="fields")
    fields.pop("stuck", None)
    before = saved_progress(journey)
    back = {**fields, f"{PREFIX}-current_step": slug, "wizard_goto_step": target}

    response = post_form(client, slug, back, {})
    assert response.status_code < 500
    assert client.get(f"/guides/alipay/{slug}/").status_code < 500  # the draft pre-fills it
    if response.status_code != 302 or target in wizard.forms:
        assert saved_progress(journey) == before


@examples(weight=12)
@given(
    path=st.one_of(
        st.sampled_from(["/guides/alipay/about-alipay/", "/guides/alipay/add-card/"]), PATHS
    ),
    content_type_and_body=CONTENT_TYPES_AND_BODIES,
    headers=HX,
)
def test_any_body_of_any_content_type_is_answered_below_500(
    count_case, visitor, path, content_type_and_body, headers
):
    count_case()
    client, journey = visitor
    content_type, body = content_type_and_body
    before = saved_progress(journey)
    response = client.generic("POST", path, body, content_type=content_type, headers=headers)
    assert response.status_code < 500
    if response.status_code != 302:
        assert saved_progress(journey) == before
