"""The only writers of journeys and their progress: save, skip, stuck, complete.

Every write goes through `_touch`, which locks the journey's row (saves of one journey take turns,
and a login's claim takes the same lock first, so the two never deadlock) and renews its change
time. A visitor's journey is keyed by a random visitor key in a signed cookie (visitors.py),
which outlives the session key that Django rotates at login, when the account claims it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from onboarding.guides.selectors import StepInfo
from onboarding.journeys import visitors
from onboarding.journeys.models import Journey, StepProgress
from onboarding.journeys.retries import retried_on_deadlock
from onboarding.journeys.selectors import Owner, RowSnapshot

Status = StepProgress.Status


class JourneyGone(Exception):
    """The journey was merged into an account's (a login elsewhere) while this request ran."""


def ensure_journey(*, request: HttpRequest, guide_id: int) -> Journey:
    """This person's journey through the guide, created at their first save."""
    owner = Owner.of(request)
    if owner.user_id is None and not owner.visitor_key:
        owner = Owner(user_id=None, visitor_key=visitors.remember(request))
    lookup = (
        {"user_id": owner.user_id}
        if owner.user_id is not None
        else {"visitor_key": owner.visitor_key}
    )
    try:
        with transaction.atomic():
            journey, _ = Journey.objects.get_or_create(guide_id=guide_id, **lookup)
    except IntegrityError:
        # Another request (a second tab) created it between our read and our insert.
        journey = Journey.objects.get(guide_id=guide_id, **lookup)
    return journey


def record_step(
    *,
    journey: Journey,
    step: StepInfo,
    status: str,
    answers: dict[str, Any],
    steering: Mapping[str, Any],
    next_step: StepInfo | None,
    first_finished_at: datetime.datetime | None = None,
) -> RowSnapshot:
    """Save a step as done (or skipped) with its answers, and mark the next step as reached.

    A step saved again keeps the time it was first finished (`first_finished_at`, from the row
    the caller read), so "Done on" does not move. Upserts, so a double-submitted or retried
    POST, or two tabs at once, leave one row a step.
    Raises JourneyGone, saving nothing, if a login claimed the journey into another meanwhile.
    """
    if status not in (Status.DONE, Status.SKIPPED):
        raise ValueError(f"A step is saved as done or skipped, not {status!r}.")
    arguments = {
        "step": step,
        "status": status,
        "answers": answers,
        "next_step": next_step,
        "first_finished_at": first_finished_at,
    }
    try:
        return _save_step(journey=journey, steering=steering, **arguments)
    except IntegrityError:
        # "Finished after reached" failed: another request stamped this step reached with a
        # clock ahead of ours (another server's). Finish it no earlier than that.
        reached = StepProgress.objects.filter(journey=journey, step_id=step.id)
        not_before = reached.values_list("reached_at", flat=True).get()
        return _save_step(journey=journey, steering=steering, not_before=not_before, **arguments)


@retried_on_deadlock
@transaction.atomic
def _save_step(
    *,
    journey: Journey,
    step: StepInfo,
    status: str,
    answers: dict[str, Any],
    steering: Mapping[str, Any],
    next_step: StepInfo | None,
    first_finished_at: datetime.datetime | None,
    not_before: datetime.datetime | None = None,
) -> RowSnapshot:
    now = _touch(journey, steering=steering, not_before=not_before)
    completed_at = first_finished_at or now
    finished = StepProgress(
        journey=journey,
        step_id=step.id,
        status=status,
        answers=answers,
        problem=None,
        # Only a new row takes it (an existing row keeps its own), and the row proposed for the
        # upsert must pass "finished after reached" too: a step saved again keeps its first time.
        reached_at=completed_at,
        updated_at=now,
        completed_at=completed_at,
    )
    _upsert(finished, update_fields=["status", "answers", "problem", "completed_at", "updated_at"])
    if next_step is not None:
        reached = StepProgress(
            journey=journey, step_id=next_step.id, reached_at=now, updated_at=now
        )
        StepProgress.objects.bulk_create([reached], ignore_conflicts=True)
    return RowSnapshot(status=status, answers=answers, completed_at=completed_at, updated_at=now)


@retried_on_deadlock
@transaction.atomic
def mark_stuck(*, journey: Journey, step: StepInfo, problem_id: int | None) -> RowSnapshot:
    """Record that the person is stuck on a step, and on which problem; answers are kept."""
    now = _touch(journey)
    stuck = StepProgress(
        journey=journey,
        step_id=step.id,
        status=Status.STUCK,
        problem_id=problem_id,
        reached_at=now,
        updated_at=now,
        completed_at=None,
    )
    _upsert(stuck, update_fields=["status", "problem", "completed_at", "updated_at"])
    answers = (
        StepProgress.objects.filter(journey=journey, step_id=step.id)
        .values_list("answers", flat=True)
        .get()
    )
    return RowSnapshot(
        status=Status.STUCK,
        answers=answers,
        completed_at=None,
        updated_at=now,
        problem_id=problem_id,
    )


@retried_on_deadlock
@transaction.atomic
def complete_journey(*, journey: Journey) -> None:
    """Stamp the journey complete the first time every step it takes is finished."""
    if journey.completed_at is None:
        now = _touch(journey)
        Journey.objects.filter(pk=journey.pk, completed_at__isnull=True).update(completed_at=now)
        journey.completed_at = now


def _touch(
    journey: Journey,
    *,
    steering: Mapping[str, Any] | None = None,
    not_before: datetime.datetime | None = None,
) -> datetime.datetime:
    """Lock the journey's row, renew its change time and merge in steering answers.

    The one place a journey's change time moves: every progress write calls it first. Raises
    JourneyGone if a login's claim merged the journey away meanwhile.
    """
    locked = Journey.objects.select_for_update().filter(pk=journey.pk)
    current = locked.values_list("answers", flat=True).first()
    if current is None:
        raise JourneyGone
    # Read after the lock: saves of one journey take turns, so their times follow that order.
    now = timezone.now() if not_before is None else max(timezone.now(), not_before)
    # Merged into the answers as saved now, not as this request read them: another tab may
    # have changed them since.
    answers = {**current, **(steering or {})}
    locked.update(answers=answers, updated_at=now)
    journey.answers = answers
    journey.updated_at = now
    return now


def _upsert(progress: StepProgress, *, update_fields: list[str]) -> None:
    """Insert the row, or update these fields of the row already there for its step."""
    StepProgress.objects.bulk_create(
        [progress],
        update_conflicts=True,
        unique_fields=["journey", "step"],
        update_fields=update_fields,
    )
