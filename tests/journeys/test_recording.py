"""The progress writers on a small guide: the journey made at the first save, steps recorded."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError
from django.test import RequestFactory
from django.utils import timezone

from onboarding.guides.selectors import guide_structure
from onboarding.journeys import services
from onboarding.journeys.models import Journey, StepProgress
from onboarding.journeys.services import JourneyGone, ensure_journey, record_step
from tests.factories import make_guide, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return make_guide(steps=3, slug="g")


@pytest.fixture
def info(guide):
    structure = guide_structure(guide=guide)
    return {step.slug: step for step in structure.steps}


def request_of(user=None, visitor_key=None):
    request = RequestFactory().post("/")
    request.user = user or AnonymousUser()
    request.visitor_key = visitor_key
    return request


def test_a_visitors_first_save_gives_the_browser_a_key_and_a_journey(guide):
    request = request_of()
    journey = ensure_journey(request=request, guide_id=guide.pk)
    assert request.visitor_key
    assert journey.visitor_key == request.visitor_key
    assert journey.user is None
    assert journey.guide_id == guide.pk


def test_a_visitor_with_a_key_keeps_it_and_finds_the_same_journey(guide):
    first = ensure_journey(request=request_of(visitor_key="k"), guide_id=guide.pk)
    again = ensure_journey(request=request_of(visitor_key="k"), guide_id=guide.pk)
    assert first.pk == again.pk
    assert first.visitor_key == "k"
    assert Journey.objects.count() == 1


def test_an_accounts_journey_is_the_accounts_whatever_key_the_browser_holds(guide):
    user = make_user()
    journey = ensure_journey(request=request_of(user=user, visitor_key="k"), guide_id=guide.pk)
    assert journey.user == user
    assert journey.visitor_key is None


def test_a_journey_created_by_another_tab_meanwhile_is_found(guide, monkeypatch):
    existing = Journey.objects.create(guide=guide, visitor_key="k")

    def raced(**kwargs):
        raise IntegrityError("another tab inserted it first")

    monkeypatch.setattr(Journey.objects, "get_or_create", raced)
    assert ensure_journey(request=request_of(visitor_key="k"), guide_id=guide.pk) == existing


def test_the_journey_another_tab_made_is_found_among_the_owners_and_the_guides_others(
    guide, monkeypatch
):
    Journey.objects.create(guide=make_guide(steps=1, slug="other"), visitor_key="k")
    Journey.objects.create(guide=guide, visitor_key="someone else")
    existing = Journey.objects.create(guide=guide, visitor_key="k")

    def raced(**kwargs):
        raise IntegrityError("another tab inserted it first")

    monkeypatch.setattr(Journey.objects, "get_or_create", raced)
    assert ensure_journey(request=request_of(visitor_key="k"), guide_id=guide.pk) == existing


def test_a_step_is_saved_done_with_its_answers_and_the_next_one_reached(guide, info):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    saved = record_step(
        journey=journey,
        step=info["step-0"],
        status="done",
        answers={"a": 1},
        steering={"location": "inside"},
        next_step=info["step-1"],
    )
    rows = {row.step_id: row for row in StepProgress.objects.filter(journey=journey)}
    done = rows[info["step-0"].id]
    assert (done.status, done.answers, done.problem_id) == ("done", {"a": 1}, None)
    assert done.completed_at == done.updated_at == done.reached_at == saved.updated_at
    assert saved.completed_at == done.completed_at
    assert (saved.status, saved.answers) == ("done", {"a": 1})
    assert rows[info["step-1"].id].status == "in_progress"
    assert rows[info["step-1"].id].reached_at == saved.updated_at
    assert info["step-2"].id not in rows
    journey.refresh_from_db()
    assert journey.answers == {"location": "inside"}
    assert journey.updated_at == saved.updated_at


def test_a_step_saved_last_reaches_nothing_more(guide, info):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    record_step(
        journey=journey,
        step=info["step-2"],
        status="skipped",
        answers={},
        steering={},
        next_step=None,
    )
    assert list(StepProgress.objects.values_list("status", flat=True)) == ["skipped"]


def test_saving_a_stuck_step_clears_its_problem(guide, info):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    step = guide.steps.get(slug="step-0")
    StepProgress.objects.create(
        journey=journey, step=step, status="stuck", problem=step.problems.get()
    )
    record_step(
        journey=journey, step=info["step-0"], status="done", answers={}, steering={}, next_step=None
    )
    row = StepProgress.objects.get()
    assert (row.status, row.problem_id) == ("done", None)


def test_a_step_is_saved_only_as_done_or_skipped(guide, info):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    for status in ("stuck", "in_progress", "not_started"):
        with pytest.raises(ValueError, match=f"not '{status}'"):
            record_step(
                journey=journey,
                step=info["step-0"],
                status=status,
                answers={},
                steering={},
                next_step=None,
            )
    assert not StepProgress.objects.exists()


def test_a_save_after_a_clock_ahead_reached_the_step_finishes_no_earlier(guide, info):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    ahead = timezone.now() + datetime.timedelta(minutes=5)
    step_0, step_1 = guide.steps.get(slug="step-0"), guide.steps.get(slug="step-1")
    StepProgress.objects.create(journey=journey, step=step_0, reached_at=ahead, updated_at=ahead)
    # Rows the retry must not pick up: this journey's other step, another visitor's same step.
    StepProgress.objects.create(journey=journey, step=step_1, status="done")
    other = Journey.objects.create(guide=guide, visitor_key="someone-else")
    StepProgress.objects.create(journey=other, step=step_0)

    saved = record_step(
        journey=journey,
        step=info["step-0"],
        status="done",
        answers={},
        steering={"location": "inside"},
        next_step=None,
    )
    assert saved.completed_at == ahead
    journey.refresh_from_db()
    assert journey.updated_at == ahead
    assert journey.answers == {"location": "inside"}


def test_a_save_into_a_merged_away_journey_raises_and_saves_nothing(guide, info):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    Journey.objects.filter(pk=journey.pk).delete()
    with pytest.raises(JourneyGone):
        record_step(
            journey=journey,
            step=info["step-0"],
            status="done",
            answers={},
            steering={},
            next_step=None,
        )
    assert not StepProgress.objects.exists()


def test_touch_keeps_saved_answers_when_no_steering_is_given(guide):
    journey = Journey.objects.create(guide=guide, visitor_key="k", answers={"location": "outside"})
    services._touch(journey)
    journey.refresh_from_db()
    assert journey.answers == {"location": "outside"}
