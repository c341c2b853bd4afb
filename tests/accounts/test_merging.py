"""Claiming a visitor's journeys at login, and merging them step by step into the account's own."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onboarding.accounts import services
from onboarding.accounts.services import claim_journeys, merge_step
from onboarding.journeys import visitors
from onboarding.journeys.models import Journey, StepProgress
from onboarding.sharing.models import ShareLink
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import as_visitor, log_in, make_guide

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 1, 10, 12, 0, tzinfo=datetime.UTC)


def hours(n):
    return T0 + datetime.timedelta(hours=n)


def row(status, *, updated, reached=None, completed=None, answers=None):
    return StepProgress(
        status=status,
        updated_at=updated,
        reached_at=reached or updated,
        completed_at=completed,
        answers=answers if answers is not None else {},
    )


# --- merge_step: one step's two rows ---------------------------------------------------------


@pytest.mark.parametrize(
    ("further", "nearer"),
    [
        ("done", "skipped"),
        ("skipped", "stuck"),
        ("stuck", "in_progress"),
        ("in_progress", "not_started"),
        ("done", "not_started"),
    ],
)
def test_the_further_status_wins_whichever_row_is_newer(further, nearer):
    for kept_is_further in (True, False):
        old = row(further if kept_is_further else nearer, updated=hours(1), completed=hours(1))
        new = row(nearer if kept_is_further else further, updated=hours(2), completed=hours(2))
        assert merge_step(kept=old, other=new).status == further
        old = row(further if kept_is_further else nearer, updated=hours(1), completed=hours(1))
        new = row(nearer if kept_is_further else further, updated=hours(2), completed=hours(2))
        assert merge_step(kept=new, other=old).status == further


def test_the_finished_rows_completion_time_is_kept():
    kept = row("in_progress", updated=hours(5))
    other = row("done", updated=hours(3), reached=hours(1), completed=hours(2))
    merged = merge_step(kept=kept, other=other)
    assert merged.status == "done"
    assert merged.completed_at == hours(2)


def test_two_done_rows_keep_the_newer_rows_completion():
    kept = row("done", updated=hours(4), reached=hours(0), completed=hours(4))
    other = row("done", updated=hours(2), reached=hours(1), completed=hours(2))
    assert merge_step(kept=kept, other=other).completed_at == hours(4)
    kept = row("done", updated=hours(2), reached=hours(0), completed=hours(2))
    other = row("done", updated=hours(4), reached=hours(1), completed=hours(4))
    assert merge_step(kept=kept, other=other).completed_at == hours(4)


def test_a_step_still_unfinished_after_the_merge_has_no_completion_time():
    kept = row("stuck", updated=hours(4), completed=None)
    other = row("in_progress", updated=hours(2), completed=hours(2))
    assert merge_step(kept=kept, other=other).completed_at is None


def test_an_unfinished_further_row_drops_any_completion_time():
    kept = row("stuck", updated=hours(4), completed=hours(3))
    other = row("in_progress", updated=hours(2), completed=hours(2))
    assert merge_step(kept=kept, other=other).completed_at is None


def test_the_step_counts_as_reached_from_the_earlier_time():
    kept = row("done", updated=hours(5), reached=hours(3), completed=hours(5))
    other = row("in_progress", updated=hours(2), reached=hours(1))
    assert merge_step(kept=kept, other=other).reached_at == hours(1)
    kept = row("done", updated=hours(5), reached=hours(1), completed=hours(5))
    other = row("in_progress", updated=hours(2), reached=hours(3))
    assert merge_step(kept=kept, other=other).reached_at == hours(1)


def test_the_newer_non_empty_answers_win():
    kept = row("done", updated=hours(1), completed=hours(1), answers={"network": "visa"})
    other = row("done", updated=hours(2), completed=hours(2), answers={"network": "jcb"})
    assert merge_step(kept=kept, other=other).answers == {"network": "jcb"}


def test_empty_newer_answers_keep_the_older_ones():
    kept = row("done", updated=hours(1), completed=hours(1), answers={"network": "visa"})
    other = row("in_progress", updated=hours(2), answers={})
    assert merge_step(kept=kept, other=other).answers == {"network": "visa"}
    kept = row("in_progress", updated=hours(2), answers={})
    other = row("done", updated=hours(1), completed=hours(1), answers={"network": "visa"})
    assert merge_step(kept=kept, other=other).answers == {"network": "visa"}


def test_the_merged_row_changed_when_the_newer_one_did():
    kept = row("done", updated=hours(5), completed=hours(5))
    other = row("in_progress", updated=hours(2))
    assert merge_step(kept=kept, other=other).updated_at == hours(5)
    kept = row("in_progress", updated=hours(2))
    other = row("in_progress", updated=hours(6))
    merged = merge_step(kept=kept, other=other)
    assert merged is kept
    assert merged.updated_at == hours(6)


# --- claim_journeys: whole journeys ----------------------------------------------------------


@pytest.fixture
def guide():
    return make_guide(steps=3, slug="g")


@pytest.fixture
def steps(guide):
    return list(guide.steps.order_by("order"))


def progress(journey, step, status, *, reached, completed=None, updated=None, answers=None):
    return StepProgress.objects.create(
        journey=journey,
        step=step,
        status=status,
        reached_at=reached,
        completed_at=completed,
        updated_at=updated or completed or reached,
        answers=answers or {},
    )


def test_no_visitor_key_claims_nothing(user, guide):
    Journey.objects.create(guide=guide, visitor_key="k")
    assert claim_journeys(user=user, visitor_key=None) == 0
    assert claim_journeys(user=user, visitor_key="") == 0
    assert Journey.objects.filter(user=user).count() == 0


def test_a_visitors_journey_moves_to_the_account_and_loses_its_key(user, guide):
    journey = Journey.objects.create(guide=guide, visitor_key="k")
    assert claim_journeys(user=user, visitor_key="k") == 1
    journey.refresh_from_db()
    assert journey.user == user
    assert journey.visitor_key is None


def test_every_guides_journey_of_the_visitor_is_claimed(user, guide):
    other_guide = make_guide(steps=1, slug="h")
    Journey.objects.create(guide=guide, visitor_key="k")
    Journey.objects.create(guide=other_guide, visitor_key="k")
    Journey.objects.create(guide=guide, visitor_key="someone-else")
    assert claim_journeys(user=user, visitor_key="k") == 2
    assert Journey.objects.filter(user=user).count() == 2
    assert Journey.objects.get(visitor_key="someone-else").user is None


def test_a_journey_another_account_owns_is_never_claimed(user, other_user, guide):
    Journey.objects.create(guide=guide, visitor_key="k", user=other_user)
    assert claim_journeys(user=user, visitor_key="k") == 0
    assert Journey.objects.get().user == other_user


def test_merging_keeps_each_steps_further_status_and_moves_the_rest(user, guide, steps):
    own = Journey.objects.create(guide=guide, user=user, updated_at=hours(1))
    visitor = Journey.objects.create(guide=guide, visitor_key="k", updated_at=hours(2))
    progress(own, steps[0], "in_progress", reached=hours(0))
    progress(visitor, steps[0], "done", reached=hours(1), completed=hours(2))
    progress(visitor, steps[1], "stuck", reached=hours(2))
    assert claim_journeys(user=user, visitor_key="k") == 1
    assert not Journey.objects.filter(pk=visitor.pk).exists()
    rows = {row.step_id: row for row in StepProgress.objects.filter(journey=own)}
    assert rows[steps[0].id].status == "done"
    assert rows[steps[0].id].reached_at == hours(0)
    assert rows[steps[0].id].completed_at == hours(2)
    assert rows[steps[1].id].status == "stuck"
    assert StepProgress.objects.count() == 2


def test_merging_keeps_the_earlier_start_and_completion_of_the_journeys(user, guide):
    own = Journey.objects.create(
        guide=guide, user=user, started_at=hours(3), completed_at=hours(9), updated_at=hours(9)
    )
    Journey.objects.create(
        guide=guide,
        visitor_key="k",
        started_at=hours(1),
        completed_at=hours(5),
        updated_at=hours(5),
    )
    before = timezone.now()
    claim_journeys(user=user, visitor_key="k")
    own.refresh_from_db()
    assert own.started_at == hours(1)
    assert own.completed_at == hours(5)
    assert own.updated_at >= before


def test_a_journey_finished_on_one_side_only_stays_finished(user, guide):
    own = Journey.objects.create(guide=guide, user=user, started_at=hours(0))
    Journey.objects.create(guide=guide, visitor_key="k", started_at=hours(4), completed_at=hours(6))
    claim_journeys(user=user, visitor_key="k")
    own.refresh_from_db()
    assert own.started_at == hours(0)
    assert own.completed_at == hours(6)


def test_two_unfinished_journeys_merge_unfinished(user, guide):
    own = Journey.objects.create(guide=guide, user=user)
    Journey.objects.create(guide=guide, visitor_key="k")
    claim_journeys(user=user, visitor_key="k")
    own.refresh_from_db()
    assert own.completed_at is None


def test_merging_takes_the_newer_journeys_steering_answers_over_the_older(user, guide):
    own = Journey.objects.create(
        guide=guide, user=user, updated_at=hours(1), answers={"location": "inside", "x": 1}
    )
    Journey.objects.create(
        guide=guide, visitor_key="k", updated_at=hours(2), answers={"location": "outside"}
    )
    claim_journeys(user=user, visitor_key="k")
    own.refresh_from_db()
    assert own.answers == {"location": "outside", "x": 1}


def test_the_older_visitor_journeys_answers_give_way_to_the_accounts(user, guide):
    own = Journey.objects.create(
        guide=guide, user=user, updated_at=hours(3), answers={"location": "inside"}
    )
    Journey.objects.create(
        guide=guide, visitor_key="k", updated_at=hours(2), answers={"location": "outside", "y": 2}
    )
    claim_journeys(user=user, visitor_key="k")
    own.refresh_from_db()
    assert own.answers == {"location": "inside", "y": 2}


def test_merging_moves_the_visitors_share_links_to_the_account(user, guide):
    own = Journey.objects.create(guide=guide, user=user)
    visitor = Journey.objects.create(guide=guide, visitor_key="k")
    link = ShareLink.objects.create(journey=visitor, token_hash="a" * 64)
    claim_journeys(user=user, visitor_key="k")
    link.refresh_from_db()
    assert link.journey == own


def failing_claims(monkeypatch, error: Exception, times: int) -> list[dict]:
    """Make the claim raise `error` its first `times` tries, then claim for real; the tries."""
    real_claim = services._claim
    calls: list[dict] = []

    def claim(**kwargs):
        calls.append(kwargs)
        if len(calls) <= times:
            raise error
        return real_claim(**kwargs)

    monkeypatch.setattr(services, "_claim", claim)
    return calls


def database_error(sqlstate):
    """What Django raises for a driver's error: its own, caused by the driver's."""
    error = OperationalError("from the database")
    error.__cause__ = type("DriverError", (Exception,), {"sqlstate": sqlstate})()
    return error


def test_a_claim_colliding_with_a_save_is_tried_again(user, guide, monkeypatch):
    Journey.objects.create(guide=guide, visitor_key="k")
    calls = failing_claims(monkeypatch, IntegrityError("another tab saved"), times=2)
    assert claim_journeys(user=user, visitor_key="k") == 1
    assert len(calls) == 3


def test_a_claim_that_collides_three_times_gives_up(user, guide, monkeypatch):
    calls = failing_claims(monkeypatch, IntegrityError("another tab saved"), times=3)
    with pytest.raises(IntegrityError):
        claim_journeys(user=user, visitor_key="k")
    assert len(calls) == 3
    assert calls[0] == {"user": user, "visitor_key": "k"}


def test_a_claim_stopped_by_a_deadlock_is_tried_again(user, guide, monkeypatch):
    Journey.objects.create(guide=guide, visitor_key="k")
    calls = failing_claims(monkeypatch, database_error("40P01"), times=1)
    assert claim_journeys(user=user, visitor_key="k") == 1
    assert len(calls) == 2


def test_a_claim_failing_on_another_database_error_is_not_tried_again(user, guide, monkeypatch):
    calls = failing_claims(monkeypatch, database_error("57P01"), times=3)
    with pytest.raises(OperationalError):
        claim_journeys(user=user, visitor_key="k")
    assert len(calls) == 1


# --- at login, for real ----------------------------------------------------------------------


def test_logging_in_with_the_right_password_claims_this_browsers_journey(client, user, guide):
    journey = Journey.objects.create(guide=guide, visitor_key="my-key")
    as_visitor(client, "my-key")
    assert log_in(client)["Location"] == "/account/"
    journey.refresh_from_db()
    assert journey.user == user


def test_a_login_posting_another_visitors_key_takes_nothing_of_theirs(client, user, guide):
    victims = Journey.objects.create(guide=guide, visitor_key="victims-key")
    as_visitor(client, "my-key")
    response = client.post(
        "/accounts/login/",
        {
            "username": "ana@example.com",
            "password": "a-long-enough-passphrase-42",
            "visitor_key": "victims-key",
            "session_key": "victims-key",
        },
    )
    assert response["Location"] == "/account/"
    victims.refresh_from_db()
    assert victims.user is None
    assert victims.visitor_key == "victims-key"


def test_a_login_with_a_forged_visitor_cookie_takes_nothing(user, guide):
    victims = Journey.objects.create(guide=guide, visitor_key="victims-key")
    browser = Client()
    as_visitor(browser, "my-key")
    signed = browser.cookies[visitors.cookie_name()].value
    forged = "victims-key" + signed[len("my-key") :]  # the victim's key, with my signature
    browser.cookies[visitors.cookie_name()] = forged
    assert log_in(browser)["Location"] == "/account/"
    victims.refresh_from_db()
    assert victims.user is None


def test_a_claim_reads_the_progress_rows_of_each_side_in_one_query(user, guide, steps):
    # Two guides, each with a visitor's journey to fold into the account's own: the rows of
    # both sides come in two prefetch queries in all, not two queries per journey merged.
    other_guide = make_guide(steps=2, slug="h")
    for each_guide in (guide, other_guide):
        first = each_guide.steps.order_by("order").first()
        own = Journey.objects.create(guide=each_guide, user=user)
        theirs = Journey.objects.create(guide=each_guide, visitor_key="k")
        progress(own, first, "in_progress", reached=hours(1))
        progress(theirs, first, "done", reached=hours(2), completed=hours(3))
    with CaptureQueriesContext(connection) as queries:
        assert claim_journeys(user=user, visitor_key="k") == 2
    reads = [query["sql"] for query in queries if query["sql"].lstrip().startswith("SELECT")]
    # The account's row (the lock), the visitor's journeys and their rows, the account's
    # journeys and their rows.
    assert len(reads) == 5
    assert sum("journeys_stepprogress" in read.split(" WHERE ")[0] for read in reads) == 2
