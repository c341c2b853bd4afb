"""Whole requests with hostile input: never a 500, and each request does exactly what the design
says (NEW-DESIGN.md) or changes nothing.

Three visitors are set up once per test: one who walked the whole guide, one who has just
started, and one in mainland China who already has an account. Each generated example runs in a
savepoint rolled back after it, with a fresh browser holding one visitor's cookie, so every
example starts from the same database and Hypothesis can shrink a failure to a small input.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from onboarding.journeys.forms import StepForm, form_class_for
from onboarding.journeys.models import Journey, StepProgress
from onboarding.journeys.selectors import Progress, progress_for
from tests.browser_like_client import BrowserLikeClient
from tests.factories import alipay_data, as_visitor, post_step, visitor_key_of
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
DONE_URL = "/guides/alipay/done/"
URLENCODED = "application/x-www-form-urlencoded"
# settings.DATA_UPLOAD_MAX_MEMORY_SIZE: a bigger body is refused before any view runs.
MAX_BODY_BYTES = 256 * 1024
METHODS = st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
HX = st.sampled_from([{}, {"HX-Request": "true"}])
# What a step's action button may send: the three a page offers, none, or anything at all.
ACTIONS = st.one_of(st.none(), st.sampled_from(["done", "skip", "check"]), ANY_TEXT)
# Real guide and step slugs for URL parameters, so generated paths reach the views.
KNOWN = ["alipay", "done", "progress", *(step["slug"] for step in alipay_data()["steps"])]
PATHS = url_paths(KNOWN)
# An editor may make any step optional: one with fields is, so skipping reaches a real form.
OPTIONAL_WITH_FIELDS = "protect-account"
WHO = st.sampled_from(["walked", "started", "has_account"])


@pytest.fixture
def visitors(steps) -> dict[str, str]:
    """Three visitors' keys, by how far they are:

    walked: every step done (outside mainland China, no account yet), and the finish page seen;
    started: the first two steps done, so the card and passport steps cannot start yet;
    has_account: in mainland China with an account, so the VPN, install and sign-up steps are
    not needed.
    """
    optional = steps[OPTIONAL_WITH_FIELDS]
    optional.optional = True
    optional.save()  # as an editor's change in admin: the guide gets a new content version
    keys = {}
    walked = BrowserLikeClient()
    for step in sorted(steps.values(), key=lambda step: step.order):
        assert post_step(walked, step).status_code == 302, step.slug
    assert walked.get(DONE_URL).status_code == 200
    keys["walked"] = visitor_key_of(walked)
    started = BrowserLikeClient()
    for slug in ("about", "prepare"):
        assert post_step(started, steps[slug]).status_code == 302
    keys["started"] = visitor_key_of(started)
    has_account = BrowserLikeClient()
    inside = {"about-location": "inside", "about-has_account": "yes"}
    assert post_step(has_account, steps["about"], inside).status_code == 302
    keys["has_account"] = visitor_key_of(has_account)
    return keys


@contextmanager
def example_for(visitor_key: str) -> Iterator[BrowserLikeClient]:
    """One example's world: a fresh browser with this visitor's cookie, every write undone after."""
    with transaction.atomic():
        yield as_visitor(BrowserLikeClient(), visitor_key)
        transaction.set_rollback(True)


@dataclass(frozen=True)
class WizardSteps:
    """The guide's step forms, as the wizard builds them, and strategies for their fields.

    Built once per test: Hypothesis validates a strategy the first time it draws from it."""

    forms: dict[str, StepForm]
    slugs: st.SearchStrategy[str]
    slugs_with_fields: st.SearchStrategy[str]
    any_fields: dict[str, st.SearchStrategy[dict]]
    typical_fields: dict[str, st.SearchStrategy[dict]]
    problem_ids: tuple[int, ...]

    def _repr_pretty_(self, printer, cycle) -> None:
        # Hypothesis pretty-prints a failing example's fixtures, dataclass fields and all; to
        # print a strategy is to build it, and building one in the replay of a failure makes
        # Hypothesis report FlakyStrategyDefinition instead of the failure. Names only, then.
        printer.text(f"WizardSteps({', '.join(self.forms)})")


@pytest.fixture
def wizard(alipay, visitors):
    alipay.refresh_from_db()
    progress = progress_for(guide=alipay, journey=None)
    forms = {
        state.step.slug: form_class_for(state.step.form_kind)(
            prefix=state.step.slug, step=state.step
        )
        for state in progress.states
    }
    with_fields = sorted(slug for slug, form in forms.items() if form.fields)
    problems = tuple(problem.id for state in progress.states for problem in state.step.problems)
    return WizardSteps(
        forms=forms,
        slugs=st.sampled_from(sorted(forms)),
        slugs_with_fields=st.sampled_from(with_fields),
        any_fields={slug: any_fields(form) for slug, form in forms.items()},
        typical_fields={slug: typical_fields(form) for slug, form in forms.items()},
        problem_ids=problems,
    )


def saved_progress() -> tuple:
    """Everything saved about every journey and its progress."""
    journeys = Journey.objects.order_by("pk").values_list(
        "pk", "user_id", "visitor_key", "answers", "started_at", "updated_at", "completed_at"
    )
    rows = StepProgress.objects.order_by("journey_id", "step_id").values_list(
        "journey_id", "step_id", "status", "answers", "problem_id", "reached_at", "completed_at",
        "updated_at",
    )  # fmt: skip
    return list(journeys), list(rows)


def sessions() -> list:
    return list(Session.objects.order_by("session_key").values_list("session_key", "session_data"))


def progress_of_visitor(visitor_key: str) -> Progress:
    journey = Journey.objects.select_related("guide").get(visitor_key=visitor_key)
    return progress_for(guide=journey.guide, journey=journey)


def drafts_of(client) -> dict:
    """The drafts the wizard keeps in this browser's session, by step."""
    return client.session.get(f"wizard_{PREFIX}", {})


def body_of(fields: dict) -> str:
    return urlencode(fields, doseq=True)


def post_body(client, slug: str, body: str, headers: dict):
    return client.post(f"/guides/alipay/{slug}/", body, content_type=URLENCODED, headers=headers)


def refused(progress: Progress, posted: QueryDict, wizard: WizardSteps, slug: str) -> bool:
    """Whether the design refuses this POST to a step with a 400 (before any form is read):
    a step not in this person's guide, answers for another step, an action no page sends, or a
    skip of a step that is not optional."""
    state = progress.state(slug)
    other_prefixes = tuple(f"{other}-" for other in wizard.forms if other != slug)
    action = posted.get(f"{slug}-action")
    return (
        state is None
        or not state.listed
        or any(name.startswith(other_prefixes) for name in posted)
        or (action is not None and action not in ("done", "skip", "check"))
        or (action == "skip" and not state.step.optional)
    )


def cannot_start(progress: Progress, posted: QueryDict, slug: str) -> bool:
    """Whether the step needs another finished first: then only Back is taken; anything else
    goes back to the step's page, which says what to finish first, and nothing is saved."""
    return bool(progress.state(slug).waiting_for) and not going_back(progress, posted)


def going_back(progress: Progress, posted: QueryDict) -> bool:
    """Whether the POST is Back: its wizard_goto_step names a step of this person's guide."""
    target = progress.state(posted.get("wizard_goto_step") or "")
    return target is not None and target.listed


def posted_form(wizard: WizardSteps, slug: str, posted: QueryDict) -> StepForm:
    """The step's form bound to what was posted, as the wizard builds it."""
    return type(wizard.forms[slug])(data=posted, prefix=slug, step=wizard.forms[slug].step)


def draft_allowed(wizard: WizardSteps, slug: str, posted: QueryDict) -> dict:
    """What a draft keeps of a half-typed step: every choice made (a radio, a box, a select)
    that its field accepts, and nothing else: no typed text, no hidden field, nothing refused.
    The phone step keeps nothing at all, not even the country of the number."""
    form = posted_form(wizard, slug, posted)
    if form.step.form_kind == "phone":
        return {}
    allowed = {}
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput) or not isinstance(
            field, forms.ChoiceField | forms.BooleanField
        ):
            continue
        value = field.widget.value_from_datadict(posted, {}, form.add_prefix(name))
        try:
            field.clean(value)
        except ValidationError:
            continue
        allowed[name] = value
    return allowed


@examples(weight=12)
@given(who=WHO, path=PATHS, query=QUERY_STRINGS, method=METHODS, headers=HTMX_HEADERS,
       stranger=st.booleans())  # fmt: skip
def test_every_url_answers_below_500_and_without_a_form_changes_no_progress(
    count_case, visitors, who, path, query, method, headers, stranger
):
    count_case()
    with example_for(visitors[who]) as client:
        before, sessions_before = saved_progress(), sessions()
        response = (BrowserLikeClient() if stranger else client).generic(
            method, f"{path}?{query}", headers=headers
        )
        assert response.status_code < 500
        assert saved_progress() == before
        if method in ("GET", "HEAD"):
            assert sessions() == sessions_before  # a GET writes nothing, not even a session


@examples(weight=4)
@given(
    who=WHO,
    path=st.sampled_from(
        ["/", "/guides/alipay/", "/guides/alipay/progress/", "/guides/alipay/prepare/"]
        + [DONE_URL, "/guides/alipay/progress/?step=link-card", "/guides/alipay/about/?stuck=1"]
    ),
    headers=HTMX_HEADERS,
)
def test_htmx_headers_of_any_value_are_answered_below_500(count_case, visitors, who, path, headers):
    count_case()
    with example_for(visitors[who]) as client:
        before, sessions_before = saved_progress(), sessions()
        assert client.get(path, headers={"HX-Request": "true", **headers}).status_code < 500
        assert (saved_progress(), sessions()) == (before, sessions_before)


@examples(weight=12)
@given(who=WHO, data=st.data(), action=ACTIONS, headers=HX)
def test_a_step_saves_exactly_what_its_form_accepts_and_nothing_it_refuses(
    count_case, visitors, wizard, who, data, action, headers
):
    count_case()
    slug = data.draw(wizard.slugs, label="step")
    fields = data.draw(wizard.any_fields[slug], label="fields")
    for control in ("stuck", "wizard_goto_step"):  # buttons other than Save, tested below
        fields.pop(control, None)
    if action is not None:
        fields[f"{slug}-action"] = action
    body = body_of({**fields, f"{PREFIX}-current_step": slug})
    posted = QueryDict(body)
    form = posted_form(wizard, slug, posted)
    with example_for(visitors[who]) as client:
        progress = progress_of_visitor(visitors[who])
        journey = progress.journey
        before = saved_progress()
        rows_before = {row[1]: row for row in before[1] if row[0] == journey.pk}

        response = post_body(client, slug, body, headers)

        assert response.status_code < 500
        if len(body.encode()) > MAX_BODY_BYTES or refused(progress, posted, wizard, slug):
            assert response.status_code == 400
            assert saved_progress() == before
        elif cannot_start(progress, posted, slug):
            assert (response.status_code, response["Location"]) == (302, form.step.url)
            assert saved_progress() == before
        elif posted.get(f"{slug}-action") == "check" or not form.is_valid():
            assert response.status_code == 200  # the page again, with the check or the errors
            assert saved_progress() == before
        else:
            assert response.status_code == 302
            step = form.step
            row = StepProgress.objects.get(journey=journey, step_id=step.id)
            # Skipping answers none of the step's questions.
            answers = {} if form.skipped else form.to_answers()
            assert (row.status, row.answers) == ("skipped" if form.skipped else "done", answers)
            journey.refresh_from_db()
            assert journey.answers == {**progress.journey.answers, **form.steering_answers()}
            after = {row[1]: row for row in saved_progress()[1] if row[0] == journey.pk}
            for step_id, row_before in rows_before.items():
                if step_id != step.id:
                    assert after[step_id] == row_before  # no other step changed
            new_rows = [after[step_id] for step_id in after.keys() - rows_before.keys()]
            assert all(new[2] == "in_progress" for new in new_rows if new[1] != step.id)
            suggested = progress_of_visitor(visitors[who]).suggested
            assert response["Location"] in {DONE_URL, suggested.step.url if suggested else DONE_URL}


@examples(weight=6)
@given(who=WHO, data=st.data(), headers=HX)
def test_im_stuck_records_the_problem_keeps_the_answers_and_shows_its_fix(
    count_case, visitors, wizard, who, data, headers
):
    count_case()
    slug = data.draw(wizard.slugs, label="step")
    fields = data.draw(wizard.typical_fields[slug], label="fields")
    own = [problem.id for problem in wizard.forms[slug].step.problems]
    choice = data.draw(
        st.one_of(
            st.sampled_from([str(problem_id) for problem_id in own] or ["other"]),
            st.sampled_from([str(problem_id) for problem_id in wizard.problem_ids]),
            st.sampled_from(["other", "", "0", "-1", "1.0", "²", "١"]),
            ANY_TEXT,
        ),
        label="problem",
    )
    body = body_of({**fields, f"{PREFIX}-current_step": slug, "stuck": "1", "problem": choice})
    posted = QueryDict(body)
    with example_for(visitors[who]) as client:
        progress = progress_of_visitor(visitors[who])
        state = progress.state(slug)
        before = saved_progress()
        rows_before = {row[1]: row for row in before[1] if row[0] == progress.journey.pk}

        response = post_body(client, slug, body, headers)

        assert response.status_code < 500
        known = choice in ("", "other") or (
            choice.isascii() and choice.isdigit() and int(choice) in own
        )
        if refused(progress, posted, wizard, slug) or not known:
            assert response.status_code == 400
            assert saved_progress() == before
            return
        if cannot_start(progress, posted, slug):
            assert (response.status_code, response["Location"]) == (302, state.step.url)
            assert saved_progress() == before
            return
        assert response.status_code == 302
        shown = choice or "other"
        assert response["Location"] == f"{state.step.url}?stuck={shown}#fix"
        row = StepProgress.objects.get(journey=progress.journey, step_id=state.step.id)
        assert row.status == "stuck"
        assert row.problem_id == (int(choice) if shown != "other" else None)
        assert row.completed_at is None
        # What was saved on the step before is kept.
        previous = rows_before.get(state.step.id)
        assert row.answers == (previous[3] if previous else {})
        assert drafts_of(client).get(slug, {}) == draft_allowed(wizard, slug, posted)
        assert client.get(response["Location"]).status_code == 200


@examples(weight=5)
@given(who=WHO, data=st.data(), headers=HX)
def test_tampered_management_data_is_refused_with_a_400_and_saves_nothing(
    count_case, visitors, wizard, who, data, headers
):
    count_case()
    slug = data.draw(wizard.slugs, label="step")
    others = [other for other in wizard.forms if other != slug]
    management = data.draw(tampered_management(prefix=PREFIX, slug=slug, other_slugs=others))
    fields = data.draw(wizard.typical_fields[slug], label="fields")
    with example_for(visitors[who]) as client:
        before = saved_progress()
        response = post_body(client, slug, body_of({**fields, **management}), headers)
        assert response.status_code == 400
        assert saved_progress() == before


@examples(weight=3)
@given(who=WHO, data=st.data(), headers=HX)
def test_answers_for_another_step_are_refused_with_a_400_and_save_nothing(
    count_case, visitors, wizard, who, data, headers
):
    count_case()
    slug = data.draw(wizard.slugs, label="step")
    other = data.draw(
        wizard.slugs_with_fields.filter(lambda other: other != slug), label="other step"
    )
    fields = {
        **data.draw(wizard.typical_fields[slug], label="fields"),
        **data.draw(wizard.typical_fields[other], label="other step's fields"),
        f"{PREFIX}-current_step": slug,
    }
    with example_for(visitors[who]) as client:
        before = saved_progress()
        response = post_body(client, slug, body_of(fields), headers)
        assert response.status_code == 400
        assert saved_progress() == before


@examples(weight=4)
@given(
    who=WHO,
    data=st.data(),
    target=st.one_of(ANY_TEXT, st.sampled_from(["about", "link-card", "vpn", "done"])),
)
def test_back_keeps_only_a_draft_a_save_would_accept_and_saves_nothing(
    count_case, visitors, wizard, who, data, target
):
    count_case()
    slug = data.draw(wizard.slugs, label="step")
    fields = data.draw(wizard.any_fields[slug], label="fields")
    fields.pop("stuck", None)
    body = body_of({**fields, f"{PREFIX}-current_step": slug, "wizard_goto_step": target})
    posted = QueryDict(body)
    with example_for(visitors[who]) as client:
        progress = progress_of_visitor(visitors[who])
        before = saved_progress()

        response = post_body(client, slug, body, {})

        assert response.status_code < 500
        assert client.get(f"/guides/alipay/{slug}/").status_code < 500  # the draft pre-fills it
        if len(body.encode()) > MAX_BODY_BYTES or refused(progress, posted, wizard, slug):
            assert response.status_code == 400
            assert saved_progress() == before
            assert drafts_of(client) == {}
        elif going_back(progress, posted):
            assert response.status_code == 302
            assert response["Location"] == progress.state(target).step.url
            assert saved_progress() == before
            assert drafts_of(client).get(slug, {}) == draft_allowed(wizard, slug, posted)
        elif cannot_start(progress, posted, slug):
            # Not Back (no such step here), on a step that cannot start yet: nothing saved.
            assert response.status_code == 302
            assert response["Location"] == progress.state(slug).step.url
            assert saved_progress() == before
        elif response.status_code != 302:
            # Not Back (no such step here): the form was read as a save, and refused.
            assert saved_progress() == before


@examples(weight=12)
@given(
    who=WHO,
    path=st.one_of(st.sampled_from(["/guides/alipay/about/", "/guides/alipay/link-card/"]), PATHS),
    content_type_and_body=CONTENT_TYPES_AND_BODIES,
    headers=HX,
)
def test_any_body_of_any_content_type_is_answered_below_500(
    count_case, visitors, who, path, content_type_and_body, headers
):
    count_case()
    content_type, body = content_type_and_body
    with example_for(visitors[who]) as client:
        before = saved_progress()
        response = client.generic("POST", path, body, content_type=content_type, headers=headers)
        assert response.status_code < 500
        if response.status_code != 302:
            assert saved_progress() == before
