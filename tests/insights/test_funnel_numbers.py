"""The funnel's numbers: counts per step, durations bucketed by size, medians and their words."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest

from onboarding.guides.models import Guide, Problem, Step
from onboarding.insights.selectors import (
    describe_duration,
    funnel_of,
    median_of,
)
from onboarding.journeys.models import Journey, StepProgress

T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def seconds(n):
    return datetime.timedelta(seconds=n)


@pytest.fixture
def guide(db):
    guide = Guide.objects.create(slug="g", title="G", summary="S.", published=True)
    for order, slug in [(2, "second"), (1, "first"), (3, "hidden")]:
        Step.objects.create(
            guide=guide,
            order=order,
            slug=slug,
            title=slug.title(),
            summary="S.",
            body="B.",
            form_kind="read",
            published=slug != "hidden",
        )
    return guide


def step(guide, slug):
    return guide.steps.get(slug=slug)


def walk(guide, key, rows, *, completed=None):
    """A journey with progress rows: {slug: (status, seconds taken or None)}."""
    journey = Journey.objects.create(guide=guide, visitor_key=key, completed_at=completed)
    for slug, (status, taken) in rows.items():
        StepProgress.objects.create(
            journey=journey,
            step=step(guide, slug),
            status=status,
            reached_at=T0,
            updated_at=T0,
            completed_at=T0 + seconds(taken) if taken is not None else None,
        )
    return journey


def test_the_funnel_counts_reached_finished_and_stuck_per_step_in_walking_order(guide):
    walk(guide, "a", {"first": ("done", 30), "second": ("stuck", None)}, completed=T0)
    walk(guide, "b", {"first": ("skipped", 10), "second": ("in_progress", None)})
    walk(guide, "c", {"first": ("stuck", None)})
    Journey.objects.create(guide=guide, visitor_key="d")
    funnel = funnel_of(guide=guide)
    assert funnel.journeys == 4
    assert funnel.completed == 1
    assert [
        (s.number, s.slug, s.title, s.published, s.reached, s.finished, s.stuck)
        for s in funnel.steps
    ] == [
        (1, "first", "First", True, 3, 2, 1),
        (2, "second", "Second", True, 2, 0, 1),
        (3, "hidden", "Hidden", False, 0, 0, 0),
    ]
    assert funnel.steps[0].median == seconds(20)
    assert funnel.steps[1].median is None
    assert funnel.steps[0].in_progress == 0
    assert funnel.steps[1].in_progress == 1


def test_steps_of_the_same_order_are_listed_as_they_were_added(guide):
    guide.steps.update(order=1)
    assert [s.slug for s in funnel_of(guide=guide).steps] == ["second", "first", "hidden"]


def test_done_and_skipped_rows_of_the_same_duration_both_count_towards_the_median(guide):
    walk(guide, "a", {"first": ("done", 10)})
    walk(guide, "b", {"first": ("skipped", 10)})
    walk(guide, "c", {"first": ("done", 100)})
    funnel = funnel_of(guide=guide)
    assert funnel.guide == guide
    assert funnel.steps[0].median == seconds(10)


def test_another_guides_journeys_are_not_counted(guide):
    other = Guide.objects.create(slug="o", title="O", summary="S.", published=True)
    Journey.objects.create(guide=other, visitor_key="x", completed_at=T0)
    walk(guide, "a", {"first": ("done", 5)})
    funnel = funnel_of(guide=guide)
    assert (funnel.journeys, funnel.completed) == (1, 0)


def test_a_finished_step_without_a_finish_time_counts_but_has_no_duration(guide):
    walk(guide, "a", {"first": ("done", None)})
    first = funnel_of(guide=guide).steps[0]
    assert (first.reached, first.finished, first.median) == (1, 1, None)


def test_the_funnel_takes_three_queries_when_no_one_is_stuck(guide, django_assert_num_queries):
    walk(guide, "a", {"first": ("done", 5), "second": ("done", 7)})
    with django_assert_num_queries(3):
        funnel_of(guide=guide)


def test_the_funnel_takes_four_queries_however_many_are_stuck_where(
    guide, django_assert_num_queries
):
    problems = [
        Problem.objects.create(step=step(guide, slug), order=1, summary=slug, fix="F.")
        for slug in ("first", "second")
    ]
    for key in "abcdef":
        walk(guide, key, {"first": ("stuck", None), "second": ("stuck", None)})
    StepProgress.objects.filter(step=problems[0].step).update(problem=problems[0])
    StepProgress.objects.filter(step=problems[1].step, journey__visitor_key="a").update(
        problem=problems[1]
    )
    with django_assert_num_queries(4):
        funnel = funnel_of(guide=guide)
    assert [step.stuck for step in funnel.steps] == [6, 6, 0]


@pytest.mark.parametrize(
    ("taken", "counted"),
    [
        (59, 59),
        (3599, 3599),  # under an hour: to the second
        (3600, 3600),
        (3661, 3660),  # under two days: to the minute
        (172_799, 172_740),
        (172_800, 172_800),  # two days and more: to the hour
        (176_399, 172_800),
    ],
)
def test_durations_are_kept_to_the_second_then_minute_then_hour(guide, taken, counted):
    walk(guide, "a", {"first": ("done", taken)})
    assert funnel_of(guide=guide).steps[0].median == seconds(counted)


def test_no_durations_have_no_median():
    assert median_of(Counter()) is None


def test_the_median_of_an_odd_count_is_the_middle_one():
    assert median_of(Counter({10: 2, 30: 1})) == seconds(10)
    assert median_of(Counter({10: 1, 20: 1, 90: 1})) == seconds(20)
    assert median_of(Counter({40: 1})) == seconds(40)


def test_the_median_of_an_even_count_is_halfway_between_the_middle_two():
    assert median_of(Counter({10: 1, 20: 1})) == seconds(15)
    assert median_of(Counter({10: 1, 20: 1, 30: 2})) == seconds(25)
    assert median_of(Counter({30: 2, 10: 2})) == seconds(20)


def test_the_median_reads_the_histogram_in_order_of_duration():
    assert median_of(Counter({300: 1, 5: 1, 60: 1})) == seconds(60)


@pytest.mark.parametrize(
    ("taken", "words"),
    [
        (0, "0 s"),
        (59, "59 s"),
        (59.6, "1 min"),
        (60, "1 min"),
        (3569, "59 min"),
        (3600, "1 h"),
        (3660, "1 h 1 min"),
        (47 * 3600 + 59 * 60, "47 h 59 min"),
        (48 * 3600, "2 d"),
        (84 * 3600, "4 d"),
    ],
)
def test_a_duration_is_described_in_the_largest_unit_that_reads_well(taken, words):
    assert describe_duration(seconds(taken)) == words


def test_no_duration_is_a_dash():
    assert describe_duration(None) == "–"


def test_a_problem_no_one_is_stuck_on_any_more_is_not_listed(guide):
    first = step(guide, "first")
    old, new = (
        Problem.objects.create(step=first, order=order, summary=summary, fix="F.")
        for order, summary in ((1, "Old"), (2, "New"))
    )
    walk(guide, "a", {"first": ("stuck", None)})
    row = StepProgress.objects.get()
    row.problem = old
    row.save()
    row.problem = new
    row.save()  # the count for "Old" is now 0
    assert [(p.summary, p.count) for p in funnel_of(guide=guide).steps[0].problems] == [("New", 1)]
