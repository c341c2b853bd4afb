"""Claiming a visitor's journeys at login, and the step-by-step merge rule."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from onboarding.accounts.services import claim_journeys
from onboarding.journeys.models import Journey, StepProgress
from onboarding.sharing.models import ShareLink
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import (
    as_visitor,
    finish_sign_up,
    log_in,
    make_user,
    post_step,
    seed_alipay,
    sign_up,
)

pytestmark = pytest.mark.django_db

NOT_STARTED, IN_PROGRESS, DONE, SKIPPED, STUCK = (
    "not_started",
    "in_progress",
    "done",
    "skipped",
    "stuck",
)
EARLIER = timezone.now() - datetime.timedelta(days=2)
LATER = timezone.now() - datetime.timedelta(days=1)


def journeys_of(user, alipay, *, visitor_key="visitor-1"):
    """The account's journey and a visitor's journey through the Alipay guide."""
    own = Journey.objects.create(guide=alipay, user=user)
    theirs = Journey.objects.create(guide=alipay, visitor_key=visitor_key)
    return own, theirs


def progress(journey, step, status, *, answers=None, at=EARLIER):
    finished = status in {DONE, SKIPPED}
    return StepProgress.objects.create(
        journey=journey,
        step=step,
        status=status,
        answers=answers or {},
        reached_at=at,
        updated_at=at,
        completed_at=at if finished else None,
    )


def visitor_client(visitor_key):
    return as_visitor(Client(), visitor_key)


# Visitor's status, account's status, the status kept; both orders of each pair.
MERGE_TABLE = [
    (DONE, NOT_STARTED, DONE),
    (NOT_STARTED, DONE, DONE),
    (DONE, IN_PROGRESS, DONE),
    (IN_PROGRESS, DONE, DONE),
    (DONE, STUCK, DONE),
    (STUCK, DONE, DONE),
    (DONE, SKIPPED, DONE),
    (SKIPPED, DONE, DONE),
    (SKIPPED, STUCK, SKIPPED),
    (STUCK, SKIPPED, SKIPPED),
    (STUCK, IN_PROGRESS, STUCK),
    (IN_PROGRESS, STUCK, STUCK),
    (STUCK, NOT_STARTED, STUCK),
    (NOT_STARTED, STUCK, STUCK),
    (IN_PROGRESS, NOT_STARTED, IN_PROGRESS),
    (NOT_STARTED, IN_PROGRESS, IN_PROGRESS),
    (DONE, DONE, DONE),
    (STUCK, STUCK, STUCK),
]


@pytest.mark.parametrize(("visitor", "account", "kept"), MERGE_TABLE)
@pytest.mark.parametrize("visitor_is_newer", [True, False])
def test_login_merges_two_journeys_keeping_the_further_status(
    user, steps, visitor, account, kept, visitor_is_newer
):
    own, theirs = journeys_of(user, steps["prepare"].guide)
    step = steps["prepare"]
    progress(theirs, step, visitor, at=LATER if visitor_is_newer else EARLIER)
    progress(own, step, account, at=EARLIER if visitor_is_newer else LATER)

    log_in(visitor_client("visitor-1"))

    journey = Journey.objects.get()
    assert journey.pk == own.pk
    row = journey.progress.get()
    assert row.status == kept
    assert (row.completed_at is not None) == (kept in {DONE, SKIPPED})


@pytest.mark.parametrize("visitor_is_newer", [True, False])
def test_merge_keeps_the_newer_answers_for_a_step_both_touched(user, steps, visitor_is_newer):
    own, theirs = journeys_of(user, steps["link-card"].guide)
    step = steps["link-card"]
    progress(
        theirs, step, DONE, answers={"network": "jcb"}, at=LATER if visitor_is_newer else EARLIER
    )
    progress(
        own, step, DONE, answers={"network": "visa"}, at=EARLIER if visitor_is_newer else LATER
    )

    claim_journeys(user=user, visitor_key="visitor-1")

    row = StepProgress.objects.get()
    assert row.answers == {"network": "jcb" if visitor_is_newer else "visa"}
    assert row.reached_at == EARLIER


def test_merge_keeps_answers_when_the_newer_row_has_none(user, steps):
    own, theirs = journeys_of(user, steps["link-card"].guide)
    progress(own, steps["link-card"], DONE, answers={"network": "visa"}, at=EARLIER)
    progress(theirs, steps["link-card"], STUCK, answers={}, at=LATER)

    claim_journeys(user=user, visitor_key="visitor-1")

    row = StepProgress.objects.get()
    assert (row.status, row.answers) == (DONE, {"network": "visa"})


def test_merge_keeps_the_steps_only_one_side_touched(user, steps):
    own, theirs = journeys_of(user, steps["prepare"].guide)
    progress(own, steps["about"], DONE)
    progress(theirs, steps["prepare"], DONE)
    progress(theirs, steps["install"], IN_PROGRESS)

    claimed = claim_journeys(user=user, visitor_key="visitor-1")

    assert claimed == 1
    assert Journey.objects.get() == own
    statuses = dict(own.progress.values_list("step__slug", "status"))
    assert statuses == {"about": DONE, "prepare": DONE, "install": IN_PROGRESS}


def test_merge_takes_the_newer_steering_answers_and_the_earlier_start(user, steps):
    own, theirs = journeys_of(user, steps["prepare"].guide)
    Journey.objects.filter(pk=own.pk).update(
        answers={"location": "inside"}, started_at=LATER, updated_at=EARLIER
    )
    Journey.objects.filter(pk=theirs.pk).update(
        answers={"location": "outside"}, started_at=EARLIER, updated_at=LATER
    )

    claim_journeys(user=user, visitor_key="visitor-1")

    journey = Journey.objects.get()
    assert journey.answers == {"location": "outside"}
    assert journey.started_at == EARLIER


@pytest.mark.parametrize(
    ("visitor_completed", "account_completed", "kept"),
    [
        (EARLIER, LATER, EARLIER),
        (LATER, EARLIER, EARLIER),
        (None, LATER, LATER),
        (LATER, None, LATER),
    ],
)
def test_merge_keeps_the_earlier_completion_of_the_guide(
    user, steps, visitor_completed, account_completed, kept
):
    own, theirs = journeys_of(user, steps["prepare"].guide)
    Journey.objects.filter(pk=own.pk).update(completed_at=account_completed)
    Journey.objects.filter(pk=theirs.pk).update(completed_at=visitor_completed)

    claim_journeys(user=user, visitor_key="visitor-1")

    assert Journey.objects.get().completed_at == kept


def test_merge_keeps_the_visitors_share_links(user, steps):
    own, theirs = journeys_of(user, steps["prepare"].guide)
    ShareLink.objects.create(journey=theirs, token_hash="a" * 64)

    claim_journeys(user=user, visitor_key="visitor-1")

    assert ShareLink.objects.get().journey == own


def test_a_claim_without_an_account_journey_moves_the_visitors(user, steps):
    theirs = Journey.objects.create(guide=steps["prepare"].guide, visitor_key="visitor-1")
    progress(theirs, steps["about"], DONE)

    assert claim_journeys(user=user, visitor_key="visitor-1") == 1

    journey = Journey.objects.get()
    assert (journey.pk, journey.user, journey.visitor_key) == (theirs.pk, user, None)
    assert journey.progress.count() == 1


def test_a_claim_takes_only_this_visitors_journeys(user, steps):
    Journey.objects.create(guide=steps["prepare"].guide, visitor_key="someone-else")
    assert claim_journeys(user=user, visitor_key="visitor-1") == 0
    assert claim_journeys(user=user, visitor_key=None) == 0
    assert Journey.objects.get().user is None


def test_login_on_a_second_browser_merges_its_visitor_progress(steps):
    laptop, phone = Client(), Client()
    post_step(laptop, steps["about"])
    sign_up(laptop, email="dee@example.com", password="a-long-passphrase-9")
    finish_sign_up(laptop)
    post_step(phone, steps["about"])
    post_step(phone, steps["prepare"])

    log_in(phone, email="dee@example.com", password="a-long-passphrase-9")

    journey = Journey.objects.get()
    assert journey.user.email == "dee@example.com"
    assert set(journey.progress.filter(status=DONE).values_list("step__slug", flat=True)) == {
        "about",
        "prepare",
    }


def run_together(*actions):
    """Run the actions in threads released at the same moment; return what any raised."""
    barrier = threading.Barrier(len(actions))
    errors = []

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
        except Exception as error:  # noqa: BLE001 - reported by the test, not swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


RACE_ROUNDS = 5


@pytest.fixture
def racing_database(transactional_db):
    """A database that threads write to at once: committed for real, not in a test transaction."""


def test_concurrent_claims_leave_one_journey(racing_database):
    alipay = seed_alipay()
    steps = {step.slug: step for step in alipay.steps.all()}
    for round_ in range(RACE_ROUNDS):
        user = make_user(email=f"racer{round_}@example.com")
        # Two browsers (two visitor journeys), and a second tab of the first browser.
        first, second = f"first-{round_}", f"second-{round_}"
        progress(Journey.objects.create(guide=alipay, visitor_key=first), steps["about"], DONE)
        progress(Journey.objects.create(guide=alipay, visitor_key=second), steps["prepare"], DONE)

        errors = run_together(
            lambda user=user, key=first: claim_journeys(user=user, visitor_key=key),
            lambda user=user, key=first: claim_journeys(user=user, visitor_key=key),
            lambda user=user, key=second: claim_journeys(user=user, visitor_key=key),
        )

        assert errors == []
        journey = Journey.objects.get(user=user)
        statuses = dict(journey.progress.values_list("step__slug", "status"))
        assert statuses == {"about": DONE, "prepare": DONE}
    assert not Journey.objects.filter(user__isnull=True).exists()


def test_concurrent_logins_from_two_tabs_leave_one_journey(racing_database):
    alipay = seed_alipay()
    user = make_user()
    progress(
        Journey.objects.create(guide=alipay, visitor_key="visitor-1"), alipay.steps.first(), DONE
    )
    tab, other_tab = visitor_client("visitor-1"), Client()
    # A second tab of the same browser: the same cookies (the visitor's, now).
    for name, morsel in tab.cookies.items():
        other_tab.cookies[name] = morsel.value

    errors = run_together(lambda: log_in(tab), lambda: log_in(other_tab))

    assert errors == []
    journey = Journey.objects.get()
    assert journey.user == user
    assert journey.progress.get().status == DONE
