"""Progress services under interleavings that concurrent requests produce, made deterministic."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from onboarding.content import guide_structure
from onboarding.models import Journey, StepProgress
from onboarding.progress import record_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(alipay):
    return Journey.objects.create(guide=alipay, session_key="a-visitor")


def info(guide, slug):
    return guide_structure(guide_id=guide.pk, version=guide.content_version).step(slug)


def save(journey, slug, *, answers=None, steering=None):
    return record_step(
        journey=journey,
        step=info(journey.guide, slug),
        next_step=None,
        answers=answers or {},
        steering=steering or {},
    )


def save_location(journey, location):
    save(journey, "where-you-are", answers={"location": location}, steering={"location": location})


def test_a_save_keeps_where_you_are_as_another_tab_just_changed_it(journey):
    save_location(journey, "outside")
    read_by_tab_a = Journey.objects.get(pk=journey.pk)
    save_location(Journey.objects.get(pk=journey.pk), "inside")  # tab B

    save(read_by_tab_a, "prepare")  # tab A read the journey before tab B's save

    journey.refresh_from_db()
    assert journey.answers == {"location": "inside"}


def test_steering_answers_merge_into_those_saved_by_another_tab(journey):
    Journey.objects.filter(pk=journey.pk).update(answers={"location": "inside"})
    save(journey, "prepare", steering={"has_card": True})  # `journey` still holds {}
    journey.refresh_from_db()
    assert journey.answers == {"location": "inside", "has_card": True}


class Clock:
    """timezone.now that reads `first` once, then `later`: a request whose clock read came
    just before another request's."""

    def __init__(self, first: datetime.datetime, later: datetime.datetime) -> None:
        self.readings = iter([first])
        self.later = later

    def __call__(self) -> datetime.datetime:
        return next(self.readings, self.later)


def test_a_step_another_request_reached_a_moment_later_still_saves(journey):
    step = info(journey.guide, "prepare")
    start = timezone.now()
    # Another tab saved the step before and stamped this one reached after our clock read.
    StepProgress.objects.create(
        journey=journey, step_id=step.id, reached_at=start + datetime.timedelta(seconds=1)
    )
    clock = Clock(start, start + datetime.timedelta(seconds=2))
    with mock.patch("django.utils.timezone.now", clock):
        save(journey, "prepare", answers={"ticked": [1]})

    row = StepProgress.objects.get(journey=journey, step_id=step.id)
    assert row.status == StepProgress.Status.DONE
    assert row.answers == {"ticked": [1]}
    assert row.completed_at >= row.reached_at
