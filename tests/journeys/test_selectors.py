"""Where a journey stands: each step's state from its rows and the steering answers."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from onboarding.guides.models import Guide
from onboarding.guides.selectors import guide_structure
from onboarding.journeys import selectors
from onboarding.journeys.models import Journey, StepProgress
from onboarding.journeys.selectors import (
    Owner,
    RowSnapshot,
    guide_and_journey,
    owner_progress,
    progress_for,
    progress_of,
    progress_on_request,
    progress_rows,
)
from tests.factories import make_guide, make_user
from tests.journeys.steps import step_info, structure

T0 = datetime.datetime(2026, 2, 1, 8, 0, tzinfo=datetime.UTC)

GUIDE = structure(
    step_info("about", id=1, kind="situation"),
    step_info("install", id=2, condition="no_alipay_account_yet", minutes=3),
    step_info("sign-up", id=3, kind="phone", needs=("install",), minutes=7),
    step_info("vpn", id=4, condition="outside_mainland_china", optional=True, minutes=2),
    step_info("explore", id=5, minutes=11),
)


def done(at=T0, problem=None):
    return RowSnapshot("done", {}, at, at, problem)


def states(progress):
    return {state.step.slug: state for state in progress.states}


def test_a_journey_not_started_suggests_the_first_step_and_numbers_every_listed_one():
    progress = progress_of(structure=GUIDE, journey=None, rows={})
    by_slug = states(progress)
    assert [s.status for s in progress.states] == ["not_started"] * 5
    assert [s.applies for s in progress.states] == [True, None, True, None, True]
    assert [s.number for s in progress.states] == [1, 2, 3, 4, 5]
    assert progress.suggested.step.slug == "about"
    assert [s.suggested for s in progress.states] == [True, False, False, False, False]
    assert by_slug["sign-up"].waiting_for == ("Install",)
    assert by_slug["install"].waiting_for == ()


def test_a_finished_step_is_not_suggested_and_keeps_its_rows_times():
    rows = {1: done(T0, problem=None), 2: RowSnapshot("stuck", {}, None, T0, 7)}
    progress = progress_of(structure=GUIDE, journey=None, rows=rows)
    by_slug = states(progress)
    assert by_slug["about"].status == "done"
    assert by_slug["about"].completed_at == T0
    assert by_slug["about"].updated_at == T0
    assert by_slug["install"].status == "stuck"
    assert by_slug["install"].problem_id == 7
    assert by_slug["vpn"].completed_at is None
    assert by_slug["vpn"].updated_at is None
    assert by_slug["vpn"].problem_id is None
    assert progress.suggested.step.slug == "install"


def test_a_step_is_startable_once_the_step_it_needs_is_done_or_skipped():
    for status in ("done", "skipped"):
        rows = {2: RowSnapshot(status, {}, T0)}
        by_slug = states(progress_of(structure=GUIDE, journey=None, rows=rows))
        assert by_slug["sign-up"].waiting_for == ()
    rows = {2: RowSnapshot("stuck", {}, None)}
    assert states(progress_of(structure=GUIDE, journey=None, rows=rows))["sign-up"].waiting_for


def test_a_needed_step_that_is_not_needed_here_counts_as_met():
    steering = {"location": "inside", "has_account": "yes"}
    progress = progress_of(structure=GUIDE, journey=None, rows={}, steering=steering)
    by_slug = states(progress)
    assert by_slug["install"].applies is False
    assert by_slug["install"].number is None
    assert by_slug["sign-up"].waiting_for == ()
    assert by_slug["vpn"].applies is False
    assert [s.number for s in progress.states] == [1, None, 2, None, 3]


def test_steps_not_needed_are_never_suggested():
    steering = {"location": "inside", "has_account": "yes"}
    rows = {1: done()}
    progress = progress_of(structure=GUIDE, journey=None, rows=rows, steering=steering)
    assert progress.suggested.step.slug == "sign-up"
    assert sum(s.suggested for s in progress.states) == 1


def test_a_step_waiting_for_another_is_not_suggested():
    guide = structure(
        step_info("first", id=1, needs=("second",)),
        step_info("second", id=2),
    )
    progress = progress_of(structure=guide, journey=None, rows={})
    assert progress.suggested.step.slug == "second"


def test_when_everything_is_finished_nothing_is_suggested():
    rows = {step.id: done() for step in GUIDE.steps}
    progress = progress_of(structure=GUIDE, journey=None, rows=rows)
    assert progress.suggested is None
    assert not any(s.suggested for s in progress.states)


def test_the_journeys_own_answers_steer_unless_others_are_given(db):
    guide = Guide.objects.create(slug="s", title="S", summary="S.", published=True)
    journey = Journey(guide=guide, visitor_key="k", answers={"has_account": "yes"})
    by_slug = states(progress_of(structure=GUIDE, journey=journey, rows={}))
    assert by_slug["install"].applies is False
    given = {"has_account": "no"}
    by_slug = states(progress_of(structure=GUIDE, journey=journey, rows={}, steering=given))
    assert by_slug["install"].applies is True
    assert progress_of(structure=GUIDE, journey=journey, rows={}).journey is journey


def test_a_state_is_found_by_slug():
    progress = progress_of(structure=GUIDE, journey=None, rows={})
    assert progress.state("vpn").step.id == 4
    assert progress.state("nowhere") is None


def test_progress_keeps_the_rows_it_was_given():
    rows = {1: done()}
    progress = progress_of(structure=GUIDE, journey=None, rows=rows)
    assert progress.rows == rows
    assert progress.guide is GUIDE


# --- reading from the database ---------------------------------------------------------------


@pytest.fixture
def guide(db):
    return make_guide(steps=2, slug="g")


def done_row(journey, step, *, answers):
    """A progress row of a step done at T0, with these answers."""
    return StepProgress.objects.create(
        journey=journey,
        step=step,
        status="done",
        answers=answers,
        reached_at=T0,
        updated_at=T0,
        completed_at=T0,
    )


def test_no_journey_has_no_rows(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert progress_rows(journey=None) == {}


def test_a_journeys_rows_are_read_in_one_query(guide, django_assert_num_queries):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    first, second = guide.steps.order_by("order")
    problem = second.problems.get()
    done_row(journey, first, answers={"a": 1})
    StepProgress.objects.create(
        journey=journey, step=second, status="stuck", problem=problem, reached_at=T0, updated_at=T0
    )
    with django_assert_num_queries(1):
        rows = progress_rows(journey=journey)
    assert rows == {
        first.id: RowSnapshot("done", {"a": 1}, T0, T0, None),
        second.id: RowSnapshot("stuck", {}, None, T0, problem.id),
    }


def test_progress_for_reads_the_structure_and_the_rows(guide):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    first = guide.steps.order_by("order").first()
    StepProgress.objects.create(
        journey=journey, step=first, status="done", reached_at=T0, completed_at=T0
    )
    progress = progress_for(guide=guide, journey=journey)
    assert progress.journey == journey
    assert [s.status for s in progress.states] == ["done", "not_started"]


def test_an_owners_journeys_are_theirs_alone(guide):
    user = make_user()
    mine = Journey.objects.create(guide=guide, user=user)
    visitors = Journey.objects.create(guide=guide, visitor_key="k")
    Journey.objects.create(guide=guide, visitor_key="other")
    assert list(Owner(user_id=user.pk, visitor_key=None).journeys()) == [mine]
    assert list(Owner(user_id=None, visitor_key="k").journeys()) == [visitors]
    assert list(Owner(user_id=user.pk, visitor_key="k").journeys()) == [mine]
    assert list(Owner(user_id=None, visitor_key=None).journeys()) == []
    assert list(Owner(user_id=None, visitor_key="").journeys()) == []


def test_the_owner_of_a_request_is_its_account_or_its_visitor_key(db):
    user = make_user()
    request = RequestFactory().get("/")
    request.user = user
    request.visitor_key = "k"
    assert Owner.of(request) == Owner(user_id=user.pk, visitor_key=None)
    request.user = AnonymousUser()
    assert Owner.of(request) == Owner(user_id=None, visitor_key="k")


def test_the_guide_and_journey_of_an_owner(guide, django_assert_num_queries):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    with django_assert_num_queries(1):
        found_guide, found = guide_and_journey(guide_slug="g", owner=Owner(None, "k"))
        assert found_guide.title == "Guide g"
    assert found == journey
    assert found_guide == guide


def test_before_the_first_save_there_is_a_guide_and_no_journey(guide, django_assert_num_queries):
    Journey.objects.create(guide=guide, visitor_key="someone-else")
    with django_assert_num_queries(2):
        assert guide_and_journey(guide_slug="g", owner=Owner(None, "k")) == (guide, None)
    with django_assert_num_queries(1):
        assert guide_and_journey(guide_slug="g", owner=Owner(None, None)) == (guide, None)


def test_another_guides_journey_is_not_this_guides(guide):
    other = make_guide(steps=1, slug="h")
    Journey.objects.create(guide=other, visitor_key="k")
    assert guide_and_journey(guide_slug="g", owner=Owner(None, "k")) == (guide, None)


def test_an_unpublished_or_unknown_guide_is_404(guide):
    Journey.objects.create(guide=guide, visitor_key="k")
    Guide.objects.filter(pk=guide.pk).update(published=False)
    # The message goes to the log and the debug page; the 404 page itself is the same for all.
    with pytest.raises(Http404, match=r"^No such guide\.$"):
        guide_and_journey(guide_slug="g", owner=Owner(None, "k"))
    with pytest.raises(Http404, match=r"^No such guide\.$"):
        guide_and_journey(guide_slug="nowhere", owner=Owner(None, None))


def test_an_owners_progress_comes_in_one_query_with_their_rows_alone(
    guide, django_assert_num_queries
):
    first, second = guide.steps.order_by("order")
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    done_row(journey, first, answers={"a": 1})
    # Someone else's rows in this guide, and this visitor's in another guide, are not theirs.
    stranger = Journey.objects.create(guide=guide, visitor_key="someone-else")
    StepProgress.objects.create(journey=stranger, step=second, status="stuck", reached_at=T0)
    other = make_guide(steps=1, slug="h")
    elsewhere = Journey.objects.create(guide=other, visitor_key="k")
    StepProgress.objects.create(
        journey=elsewhere, step=other.steps.get(), status="done", reached_at=T0
    )
    guide_structure(guide=guide)  # the guide's structure is read once per content version
    with django_assert_num_queries(1):
        progress = owner_progress(guide_slug="g", owner=Owner(None, "k"))
        assert progress.journey.guide.title == "Guide g"
    assert progress.journey == journey
    assert progress.rows == {first.id: RowSnapshot("done", {"a": 1}, T0, T0, None)}
    assert progress == progress_for(guide=guide, journey=journey)


def test_an_owners_progress_before_any_row_or_journey(guide, django_assert_num_queries):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    guide_structure(guide=guide)
    with django_assert_num_queries(1):
        progress = owner_progress(guide_slug="g", owner=Owner(None, "k"))
    assert (progress.journey, progress.rows) == (journey, {})
    assert [state.status for state in progress.states] == ["not_started", "not_started"]
    with django_assert_num_queries(2):
        progress = owner_progress(guide_slug="g", owner=Owner(None, "new"))
    assert (progress.journey, progress.rows, progress.guide.id) == (None, {}, guide.id)
    with django_assert_num_queries(1):
        assert owner_progress(guide_slug="g", owner=Owner(None, None)).journey is None


def test_an_owners_progress_in_an_unpublished_or_unknown_guide_is_404(guide):
    Journey.objects.create(guide=guide, visitor_key="k")
    Guide.objects.filter(pk=guide.pk).update(published=False)
    with pytest.raises(Http404, match=r"^No such guide\.$"):
        owner_progress(guide_slug="g", owner=Owner(None, "k"))
    with pytest.raises(Http404, match=r"^No such guide\.$"):
        owner_progress(guide_slug="nowhere", owner=Owner(None, None))


def test_the_converters_are_built_once_per_database_connection(guide):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    first = guide.steps.order_by("order").first()
    row = done_row(journey, first, answers={"a": [1]})
    built = []
    with mock.patch.object(
        selectors, "_build_converters", wraps=selectors._build_converters
    ) as spy:
        for _ in range(3):
            built.append(owner_progress(guide_slug="g", owner=Owner(None, "k")).rows)
    # Two sets: the journey's columns and the progress rows'; the second and third reads reuse them.
    assert spy.call_count == 2
    expected = RowSnapshot("done", {"a": [1]}, T0, row.updated_at, None)
    assert built[0] == built[2] == {first.id: expected}


def test_a_journeys_guide_comes_with_what_pages_read_of_it(guide, django_assert_num_queries):
    Journey.objects.create(guide=guide, visitor_key="k")
    found, journey = guide_and_journey(guide_slug="g", owner=Owner(None, "k"))
    with django_assert_num_queries(0):
        assert (found.slug, found.title, found.content_version) == (
            guide.slug,
            guide.title,
            guide.content_version,
        )


def test_the_progress_of_a_request_is_read_once(guide, django_assert_num_queries):
    Journey.objects.create(guide=guide, visitor_key="k")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.visitor_key = "k"
    first = progress_on_request(request, guide_slug="g")
    with django_assert_num_queries(0):
        assert progress_on_request(request, guide_slug="g") is first
    assert first.journey.visitor_key == "k"
    other = make_guide(steps=1, slug="h")
    assert progress_on_request(request, guide_slug="h").guide.id == other.id
