"""What the account page lists and what an export holds, field by field."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from onboarding.accounts.selectors import EXPORT_FORMAT, export_account, guides_of
from onboarding.guides.models import Guide
from onboarding.journeys.models import Journey, StepProgress
from onboarding.sharing.models import ShareLink
from tests.factories import make_guide

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=datetime.UTC)


def at(hours):
    return T0 + datetime.timedelta(hours=hours)


@pytest.fixture
def guides():
    second = make_guide(steps=2, slug="b")
    Guide.objects.filter(pk=second.pk).update(title="Banking")
    first = make_guide(steps=1, slug="a")
    Guide.objects.filter(pk=first.pk).update(title="Alipay")
    hidden = make_guide(steps=1, slug="c")
    Guide.objects.filter(pk=hidden.pk).update(published=False)
    return {guide.slug: guide for guide in Guide.objects.all()}


def test_the_account_lists_each_published_guide_by_title_with_its_progress(
    user, other_user, guides
):
    journey = Journey.objects.create(guide=guides["b"], user=user)
    first = guides["b"].steps.order_by("order").first()
    first_row = StepProgress.objects.create(
        journey=journey, step=first, status="done", reached_at=T0, completed_at=T0
    )
    first_row.answers = {"ticked": [1]}
    first_row.save()
    theirs = Journey.objects.create(guide=guides["a"], user=other_user)
    StepProgress.objects.create(journey=theirs, step=guides["a"].steps.get(), status="stuck")
    listed = guides_of(user=user)
    assert [progress.guide.slug for progress in listed] == ["a", "b"]
    alipay, banking = listed
    assert alipay.journey is None
    assert [state.status for state in alipay.states] == ["not_started"]
    assert banking.journey == journey
    assert [state.status for state in banking.states] == ["done", "not_started"]
    assert banking.rows[first.id].status == "done"
    done = banking.states[0]
    assert (done.completed_at, done.updated_at, done.problem_id) == (T0, first_row.updated_at, None)
    assert banking.rows[first.id].answers == {"ticked": [1]}


def test_the_account_page_reads_in_three_queries_however_many_guides(
    user, guides, django_assert_num_queries
):
    for guide in guides.values():
        Journey.objects.create(guide=guide, user=user)
    guides_of(user=user)  # structures are read once per process, then kept
    with django_assert_num_queries(3):
        guides_of(user=user)


def test_an_export_holds_the_account_its_journeys_steps_and_links(user, guides, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(100))
    guide = guides["b"]
    first, second = guide.steps.order_by("order")
    journey = Journey.objects.create(
        guide=guide,
        user=user,
        answers={"location": "outside"},
        started_at=at(0),
        updated_at=at(5),
        completed_at=at(4),
    )
    StepProgress.objects.create(
        journey=journey,
        step=second,
        status="skipped",
        reached_at=at(2),
        updated_at=at(3),
        completed_at=at(3),
    )
    StepProgress.objects.create(
        journey=journey,
        step=first,
        status="done",
        answers={"ticked": []},
        reached_at=at(0),
        updated_at=at(1),
        completed_at=at(1),
    )
    ShareLink.objects.create(
        journey=journey, token_hash="f" * 64, created_at=at(2), expires_at=at(50), revoked_at=at(3)
    )
    Journey.objects.create(guide=guides["a"], user=user, started_at=at(0), updated_at=at(0))
    exported = export_account(user=user)
    assert exported["format"] == EXPORT_FORMAT == "step-by-step/account-export/1"
    assert exported["exported_at"] == at(100)
    assert exported["account"] == {
        "email": "ana@example.com",
        "date_joined": user.date_joined,
        "last_login": None,
    }
    assert [j["guide"] for j in exported["journeys"]] == ["a", "b"]
    assert exported["journeys"][1] == {
        "guide": "b",
        "guide_title": "Banking",
        "started_at": at(0),
        "updated_at": at(5),
        "completed_at": at(4),
        "answers": {"location": "outside"},
        "steps": [
            {
                "step": "step-0",
                "title": "Step 0",
                "status": "done",
                "answers": {"ticked": []},
                "reached_at": at(0),
                "updated_at": at(1),
                "completed_at": at(1),
            },
            {
                "step": "step-1",
                "title": "Step 1",
                "status": "skipped",
                "answers": {},
                "reached_at": at(2),
                "updated_at": at(3),
                "completed_at": at(3),
            },
        ],
        "share_links": [{"created_at": at(2), "expires_at": at(50), "revoked_at": at(3)}],
    }
    assert "f" * 64 not in str(exported)


def test_a_stuck_steps_problem_shows_on_the_account_page(user, guides):
    journey = Journey.objects.create(guide=guides["a"], user=user)
    step = guides["a"].steps.get()
    StepProgress.objects.create(
        journey=journey, step=step, status="stuck", problem=step.problems.get()
    )
    state = guides_of(user=user)[0].states[0]
    assert (state.status, state.problem_id) == ("stuck", step.problems.get().pk)


def test_an_export_reads_in_four_queries_however_many_journeys(
    user, guides, django_assert_num_queries
):
    for guide in guides.values():
        journey = Journey.objects.create(guide=guide, user=user)
        for step in guide.steps.all():
            StepProgress.objects.create(journey=journey, step=step)
        ShareLink.objects.create(journey=journey, token_hash=guide.slug * 64)
    with django_assert_num_queries(3):
        exported = export_account(user=user)
        assert len(exported["journeys"]) == 3
        assert [len(j["steps"]) for j in exported["journeys"]] == [1, 2, 1]


def test_an_export_holds_nothing_of_another_account(user, other_user, guides):
    Journey.objects.create(guide=guides["a"], user=other_user)
    assert export_account(user=user)["journeys"] == []
