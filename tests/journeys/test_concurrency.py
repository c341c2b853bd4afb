"""Real concurrent requests, on either database: two tabs, double submits, a login claim mid-save.

Each race runs its requests in threads released at the same moment, committed for real (a
transactional test), several rounds over. Afterwards: one row per (journey, step), the answers
are one of those sent, and the journey agrees with its rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count

from onboarding.accounts.services import claim_journeys
from onboarding.journeys.models import Journey, StepProgress
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import (
    as_visitor,
    make_user,
    post_step,
    seed_alipay,
    valid_fields,
    visitor_key_of,
)

pytestmark = [
    # Committed for real, so that the other threads see it (a TransactionTestCase).
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 6
DONE = StepProgress.Status.DONE


def at_once(*requests: Callable[[], Any]) -> list[Any]:
    """Run the callables in threads released together; their results, or the first error."""
    barrier = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)
    errors: list[BaseException] = []

    def run(index: int, request: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = request()
        except BaseException as error:  # re-raised below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def second_tab(tab: Client) -> Client:
    """Another tab of the same browser: the same cookies, its own requests."""
    other = Client()
    for name, morsel in tab.cookies.items():
        other.cookies[name] = morsel.value
    return other


def walked_visitor(steps: dict, *, up_to: str | None = None) -> Client:
    """A visitor who has saved every step (or those before `up_to`), in order."""
    tab = Client()
    for step in sorted(steps.values(), key=lambda step: step.order):
        if step.slug == up_to:
            break
        assert post_step(tab, step).status_code == 302
    return tab


def journey_of(tab: Client) -> Journey:
    return Journey.objects.get(visitor_key=visitor_key_of(tab))


def rows_by_slug(journey: Journey) -> dict[str, StepProgress]:
    return {row.step.slug: row for row in journey.progress.select_related("step")}


def assert_consistent(journey: Journey) -> None:
    """One row a step; finished rows finished after they were reached; steering agrees."""
    journey.refresh_from_db()
    repeated = (
        StepProgress.objects.filter(journey=journey)
        .values("step")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
    )
    assert not repeated.exists()
    rows = rows_by_slug(journey)
    for row in rows.values():
        if row.status == DONE:
            assert row.completed_at is not None and row.completed_at >= row.reached_at
    if "about" in rows and rows["about"].status == DONE:
        assert journey.answers["location"] == rows["about"].answers["location"]


@pytest.fixture
def steps():
    """The Alipay guide, seeded in this transactional test's database."""
    return {step.slug: step for step in seed_alipay().steps.prefetch_related("checklist_items")}


@pytest.mark.parametrize(
    ("slug", "field", "sent", "also"),
    [
        ("link-card", "network", ("visa", "jcb"), {}),
        ("about", "location", ("outside", "inside"), {"about-has_account": "no"}),
    ],
)
def test_the_same_step_saved_from_two_tabs_keeps_one_row_with_one_tabs_answers(
    steps, slug, field, sent, also
):
    step = steps[slug]
    for _ in range(ROUNDS):
        tab = walked_visitor(steps)
        other_tab = second_tab(tab)
        responses = at_once(
            *[
                partial(post_step, each_tab, step, {f"{slug}-{field}": value, **also})
                for each_tab, value in zip([tab, other_tab], sent, strict=True)
            ]
        )

        assert [response.status_code for response in responses] == [302, 302]
        journey = journey_of(tab)
        assert rows_by_slug(journey)[slug].answers[field] in sent
        assert_consistent(journey)


def test_different_steps_saved_from_two_tabs_both_land(steps):
    where, card = steps["about"], steps["link-card"]
    for round_ in range(ROUNDS):
        tab = walked_visitor(steps)
        location = ["inside", "outside"][round_ % 2]
        network = ["jcb", "amex", "unionpay"][round_ % 3]
        responses = at_once(
            partial(post_step, tab, where, {"about-location": location, "about-has_account": "no"}),
            partial(post_step, second_tab(tab), card, {"link-card-network": network}),
        )

        assert [response.status_code for response in responses] == [302, 302]
        journey = journey_of(tab)
        rows = rows_by_slug(journey)
        assert rows["about"].answers == {"location": location, "has_account": "no"}
        assert rows["link-card"].answers == {"network": network}
        assert_consistent(journey)


def test_a_double_submitted_save_lands_once(steps):
    step = steps["verify-passport"]
    for _ in range(ROUNDS):
        tab = walked_visitor(steps, up_to="verify-passport")
        fields = valid_fields(step)
        responses = at_once(
            partial(post_step, tab, step, fields), partial(post_step, second_tab(tab), step, fields)
        )

        assert {response.status_code for response in responses} == {302}
        assert {response["Location"] for response in responses} == {
            "/guides/alipay/protect-account/"
        }
        journey = journey_of(tab)
        assert journey.progress.filter(step=step).count() == 1
        assert rows_by_slug(journey)["verify-passport"].answers["document_type"] == "passport"
        assert_consistent(journey)


def test_a_double_submitted_first_save_makes_one_journey(steps):
    first = steps["about"]
    for round_ in range(ROUNDS):
        # A browser that has its visitor key but no journey yet for this guide.
        tab = as_visitor(Client(), f"double-{round_}")

        responses = at_once(partial(post_step, tab, first), partial(post_step, tab, first))

        assert {response.status_code for response in responses} == {302}
        journey = Journey.objects.get(visitor_key=f"double-{round_}")
        assert journey.progress.get(step=first).status == DONE
        assert_consistent(journey)


@pytest.mark.parametrize("account_has_a_journey", [False, True])
def test_a_login_claim_racing_a_step_save_never_acknowledges_a_lost_save(
    steps, account_has_a_journey
):
    card = steps["link-card"]
    for round_ in range(ROUNDS):
        user = make_user(email=f"racer{round_}@example.com")
        if account_has_a_journey:
            post_step(account := Client(), steps["about"])
            Journey.objects.filter(visitor_key=visitor_key_of(account)).update(
                user=user, visitor_key=None
            )
        tab = walked_visitor(steps, up_to="email-link")  # link-card saved with "visa"
        key = visitor_key_of(tab)
        network = ["jcb", "amex", "unionpay"][round_ % 3]

        save, _ = at_once(
            partial(post_step, tab, card, {"link-card-network": network}),
            partial(claim_journeys, user=user, visitor_key=key),
        )

        assert save.status_code == 302
        journey = Journey.objects.get(user=user)
        kept = rows_by_slug(journey)
        if save["Location"] == "/guides/alipay/email-link/":  # acknowledged: it must be kept
            assert kept["link-card"].answers == {"network": network}
        else:  # the claim came first: the person is told to save the step again
            assert kept["link-card"].answers == {"network": "visa"}
        expected = {slug for slug in steps if slug != "email-link"}
        assert {slug for slug, row in kept.items() if row.status == DONE} == expected
        assert not StepProgress.objects.filter(journey__visitor_key=key).exists()
        assert_consistent(journey)
