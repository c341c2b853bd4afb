"""Progress services under interleavings that concurrent requests produce, made deterministic."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from onboarding.guides.models import Guide
from onboarding.guides.selectors import guide_structure
from onboarding.journeys.models import Journey, StepProgress
from onboarding.journeys.selectors import Owner, guide_and_journey
from onboarding.journeys.services import JourneyGone, complete_journey, mark_stuck, record_step
from tests.factories import post_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(alipay):
    return Journey.objects.create(guide=alipay, visitor_key="a-visitor")


def info(guide, slug):
    return guide_structure(guide=guide).step(slug)


def save(journey, slug, *, answers=None, steering=None, status="done", **extra):
    return record_step(
        journey=journey,
        step=info(journey.guide, slug),
        status=status,
        next_step=None,
        answers=answers or {},
        steering=steering or {},
        **extra,
    )


def save_location(journey, location):
    save(journey, "about", answers={"location": location}, steering={"location": location})


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


def test_a_step_reached_by_a_server_whose_clock_runs_ahead_still_saves(journey):
    step = info(journey.guide, "prepare")
    ours = timezone.now()
    # Another server, its clock a second ahead of ours, stamped the step reached.
    StepProgress.objects.create(
        journey=journey, step_id=step.id, reached_at=ours + datetime.timedelta(seconds=1)
    )
    with mock.patch("django.utils.timezone.now", return_value=ours):
        save(journey, "prepare", answers={"ticked": [1]})

    row = StepProgress.objects.get(journey=journey, step_id=step.id)
    assert row.status == StepProgress.Status.DONE
    assert row.answers == {"ticked": [1]}
    assert row.completed_at >= row.reached_at


def test_a_save_into_a_journey_a_login_merged_away_saves_nothing(journey):
    stale = Journey.objects.get(pk=journey.pk)
    journey.delete()  # a claim merged it into the account's journey
    with pytest.raises(JourneyGone):
        save(stale, "prepare")
    with pytest.raises(JourneyGone):
        save(stale, "about", answers={"location": "inside"}, steering={"location": "inside"})
    assert not StepProgress.objects.exists()


def test_the_journey_look_up_brings_the_guide_with_its_content_version(client, steps):
    post_step(client, steps["about"])
    journey = Journey.objects.get()
    guide, found = guide_and_journey(
        guide_slug="alipay", owner=Owner(user_id=None, visitor_key=journey.visitor_key)
    )
    stored = Guide.objects.get(slug="alipay")
    assert found == journey
    assert (guide.pk, guide.slug, guide.title, guide.published, guide.content_version) == (
        stored.pk,
        stored.slug,
        stored.title,
        True,
        stored.content_version,
    )
    assert guide.summary == stored.summary  # deferred, so read from the database, never blank


def test_every_progress_write_renews_the_journeys_change_time(journey):
    times = [Journey.objects.get(pk=journey.pk).updated_at]
    later = iter(timezone.now() + datetime.timedelta(minutes=n) for n in range(1, 10))

    def write(action):
        with mock.patch("django.utils.timezone.now", return_value=next(later)):
            action()
        times.append(Journey.objects.get(pk=journey.pk).updated_at)

    write(lambda: save(journey, "prepare"))
    write(lambda: save(journey, "vpn", status="skipped"))
    write(lambda: mark_stuck(journey=journey, step=info(journey.guide, "sign-up"), problem_id=None))
    write(lambda: complete_journey(journey=journey))
    assert times == sorted(times) and len(set(times)) == 5


def test_a_step_saved_again_keeps_the_time_it_was_first_finished(journey):
    first = save(journey, "prepare").completed_at
    again = save(journey, "prepare", first_finished_at=first)
    assert again.completed_at == first
    assert (
        StepProgress.objects.get(
            journey=journey, step_id=info(journey.guide, "prepare").id
        ).completed_at
        == first
    )


def test_a_step_is_saved_as_done_or_skipped_never_stuck(journey):
    with pytest.raises(ValueError, match="done or skipped"):
        save(journey, "prepare", status="stuck")


def test_the_journey_is_stamped_complete_once(journey):
    complete_journey(journey=journey)
    first = Journey.objects.get(pk=journey.pk).completed_at
    complete_journey(journey=Journey.objects.get(pk=journey.pk))
    assert Journey.objects.get(pk=journey.pk).completed_at == first
