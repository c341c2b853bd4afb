"""The step counts the funnel reads agree with the progress rows after every kind of change.

The database keeps them (triggers, onboarding/insights/step_counts.py), so each test changes
progress rows the way some writer does (the ORM calls the services, merges and admin deletes
make) and compares the counts with the rows counted here, in Python.
"""

from __future__ import annotations

import datetime
from collections import Counter
from types import SimpleNamespace

import pytest
from django.db import connection

from onboarding.accounts.services import claim_journeys
from onboarding.guides.models import Problem
from onboarding.insights import step_counts
from onboarding.insights.models import StepCount
from onboarding.journeys.models import Journey, StepProgress
from tests.factories import make_guide, make_user, post_step, valid_fields

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 5, 1, 8, 0, tzinfo=datetime.UTC)


def at(seconds):
    return T0 + datetime.timedelta(seconds=seconds)


def bucket(seconds):
    """Time taken as the counts keep it: seconds under an hour, minutes under two days, hours."""
    if seconds < 3600:
        return seconds
    if seconds < 172_800:
        return seconds // 60 * 60
    return seconds // 3600 * 3600


def counted_from_rows():
    expected = Counter()
    for row in StepProgress.objects.all():
        taken = (
            -1
            if row.completed_at is None
            else bucket(round((row.completed_at - row.reached_at).total_seconds()))
        )
        problem = (row.problem_id or 0) if row.status == "stuck" else 0
        expected[(row.step_id, row.status, taken, problem)] += 1
    return dict(expected)


def kept_counts():
    return {
        (c.step_id, c.status, c.taken, c.problem): c.total
        for c in StepCount.objects.filter(total__gt=0)
    }


def assert_counts_agree():
    assert kept_counts() == counted_from_rows()
    assert not StepCount.objects.filter(total__lt=0).exists()


@pytest.fixture
def guide(db):
    return make_guide(steps=4)


@pytest.fixture
def steps(guide):
    return list(guide.steps.order_by("order"))


def journey(guide, key):
    return Journey.objects.create(guide=guide, visitor_key=key)


def test_a_new_row_is_counted_by_its_step_status_and_time_taken(guide, steps):
    walker = journey(guide, "a")
    StepProgress.objects.create(
        journey=walker, step=steps[0], status="done", reached_at=at(0), completed_at=at(95)
    )
    StepProgress.objects.create(journey=walker, step=steps[1], reached_at=at(95))
    assert kept_counts() == {
        (steps[0].id, "done", 95, 0): 1,
        (steps[1].id, "in_progress", -1, 0): 1,
    }
    assert_counts_agree()


@pytest.mark.parametrize(
    ("taken", "kept"),
    [(3599, 3599), (3600, 3600), (3659, 3600), (172_799, 172_740), (172_800, 172_800),
     (176_399, 172_800)],
)  # fmt: skip
def test_times_taken_are_kept_to_the_second_then_the_minute_then_the_hour(
    guide, steps, taken, kept
):
    StepProgress.objects.create(
        journey=journey(guide, "a"),
        step=steps[0],
        status="done",
        reached_at=at(0),
        completed_at=at(taken),
    )
    assert kept_counts() == {(steps[0].id, "done", kept, 0): 1}


def test_rows_of_one_key_add_up(guide, steps):
    for key in "abc":
        StepProgress.objects.create(journey=journey(guide, key), step=steps[2], reached_at=at(0))
    assert kept_counts() == {(steps[2].id, "in_progress", -1, 0): 3}


def test_a_row_that_changes_status_moves_from_one_count_to_the_other(guide, steps):
    row = StepProgress.objects.create(journey=journey(guide, "a"), step=steps[0], reached_at=at(0))
    row.status, row.completed_at = "skipped", at(40)
    row.save()
    assert kept_counts() == {(steps[0].id, "skipped", 40, 0): 1}
    StepProgress.objects.filter(pk=row.pk).update(status="stuck", completed_at=None)
    assert kept_counts() == {(steps[0].id, "stuck", -1, 0): 1}
    assert_counts_agree()


def test_a_stuck_row_is_counted_by_the_problem_chosen_and_moves_when_it_changes(guide, steps):
    first = steps[0].problems.get()
    second = Problem.objects.create(step=steps[0], order=2, summary="No SMS", fix="Wait.")
    row = StepProgress.objects.create(
        journey=journey(guide, "a"), step=steps[0], status="stuck", problem=first
    )
    assert kept_counts() == {(steps[0].id, "stuck", -1, first.id): 1}
    row.problem = second
    row.save()
    assert kept_counts() == {(steps[0].id, "stuck", -1, second.id): 1}
    row.problem = None
    row.save()
    assert kept_counts() == {(steps[0].id, "stuck", -1, 0): 1}


def test_a_problem_kept_on_a_row_that_is_no_longer_stuck_is_not_counted(guide, steps):
    problem = steps[0].problems.get()
    StepProgress.objects.create(
        journey=journey(guide, "a"), step=steps[0], status="in_progress", problem=problem
    )
    assert kept_counts() == {(steps[0].id, "in_progress", -1, 0): 1}


def test_deleting_a_problem_moves_its_stuck_rows_to_something_else(guide, steps):
    problem = steps[0].problems.get()
    StepProgress.objects.create(
        journey=journey(guide, "a"), step=steps[0], status="stuck", problem=problem
    )
    problem.delete()
    assert kept_counts() == {(steps[0].id, "stuck", -1, 0): 1}
    assert_counts_agree()


def test_a_save_that_changes_only_answers_leaves_the_counts(guide, steps):
    row = StepProgress.objects.create(
        journey=journey(guide, "a"), step=steps[0], status="done", completed_at=T0, reached_at=T0
    )
    before = kept_counts()
    row.answers = {"choice": "x"}
    row.updated_at = at(500)
    row.save()
    assert kept_counts() == before


def test_the_services_upserts_are_counted_once(guide, steps):
    walker = journey(guide, "a")
    for status in ("in_progress", "done", "done", "stuck"):
        completed = at(30) if status == "done" else None
        StepProgress.objects.bulk_create(
            [StepProgress(journey=walker, step=steps[1], status=status, reached_at=T0,
                          completed_at=completed)],
            update_conflicts=True,
            unique_fields=["journey", "step"],
            update_fields=["status", "completed_at"],
        )  # fmt: skip
        assert_counts_agree()
    StepProgress.objects.bulk_create(
        [StepProgress(journey=walker, step=steps[1], status="done")], ignore_conflicts=True
    )
    assert kept_counts() == {(steps[1].id, "stuck", -1, 0): 1}


def test_deleting_journeys_steps_and_accounts_takes_their_rows_away(guide, steps):
    user = make_user()
    for key in "abc":
        walker = journey(guide, key)
        for step in steps[:3]:
            StepProgress.objects.create(journey=walker, step=step, status="done",
                                        reached_at=T0, completed_at=at(60))  # fmt: skip
    Journey.objects.filter(visitor_key="c").update(user=user, visitor_key=None)
    Journey.objects.get(visitor_key="a").delete()
    assert_counts_agree()
    user.delete()
    assert_counts_agree()
    steps[1].delete()
    assert_counts_agree()
    assert kept_counts() == {(steps[0].id, "done", 60, 0): 1, (steps[2].id, "done", 60, 0): 1}


def test_a_login_merging_a_visitors_journey_into_the_accounts_keeps_the_counts(guide, steps):
    user = make_user()
    mine = Journey.objects.create(guide=guide, user=user, updated_at=at(10))
    theirs = Journey.objects.create(guide=guide, visitor_key="v", updated_at=at(20))
    StepProgress.objects.create(journey=mine, step=steps[0], status="in_progress",
                                reached_at=T0, updated_at=at(10))  # fmt: skip
    StepProgress.objects.create(journey=theirs, step=steps[0], status="done", reached_at=at(5),
                                completed_at=at(15), updated_at=at(20))  # fmt: skip
    StepProgress.objects.create(journey=theirs, step=steps[1], reached_at=at(15))
    assert claim_journeys(user=user, visitor_key="v") == 1
    assert kept_counts() == {
        (steps[0].id, "done", 15, 0): 1,
        (steps[1].id, "in_progress", -1, 0): 1,
    }
    assert_counts_agree()


def test_saving_steps_through_the_pages_is_counted(client, guide, steps):
    for step in steps[:3]:
        assert post_step(client, step, valid_fields(step)).status_code == 302
    counts = kept_counts()
    assert sorted((step_id, status) for step_id, status, _, _ in counts) == [
        (steps[0].id, "done"), (steps[1].id, "done"), (steps[2].id, "done"),
        (steps[3].id, "in_progress"),
    ]  # fmt: skip
    assert_counts_agree()


def test_a_recount_gives_what_the_triggers_kept(guide, steps):
    problem = steps[2].problems.get()
    for number, key in enumerate("abcde"):
        walker = journey(guide, key)
        StepProgress.objects.create(journey=walker, step=steps[0], status="done",
                                    reached_at=T0, completed_at=at(40 * number + 7))  # fmt: skip
        StepProgress.objects.create(journey=walker, step=steps[2], status="stuck",
                                    problem=problem if number % 2 else None)  # fmt: skip
    kept = kept_counts()
    StepCount.objects.all().delete()
    step_counts.recount(connection)
    assert kept_counts() == kept
    assert_counts_agree()


def test_other_databases_are_refused_rather_than_left_uncounted():
    with pytest.raises(
        NotImplementedError, match=r"^Step counts are kept on PostgreSQL and SQLite, not mysql\.$"
    ):
        step_counts.install_statements("mysql")


def test_the_migration_installs_triggers_that_count_the_rows_already_there_and_new_ones(
    guide, steps
):
    editor = SimpleNamespace(connection=connection)  # all the migration's steps read of it
    step_counts.remove(None, editor)
    walker = journey(guide, "a")
    StepProgress.objects.create(journey=walker, step=steps[0], status="stuck")
    assert kept_counts() == {}  # no triggers: nothing counted
    step_counts.install(None, editor)
    assert kept_counts() == {(steps[0].id, "stuck", -1, 0): 1}
    row = StepProgress.objects.create(journey=walker, step=steps[1], reached_at=T0)
    row.status, row.completed_at = "done", at(12)
    row.save()
    StepProgress.objects.filter(step=steps[0]).delete()
    assert kept_counts() == {(steps[1].id, "done", 12, 0): 1}
    assert_counts_agree()
