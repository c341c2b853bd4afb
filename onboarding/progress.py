"""Services that change a journey's progress, and selectors that read it.

Views call these and nothing else touches Journey or StepProgress rows. A visitor's journey is
keyed by a random visitor key kept in a signed cookie (visitors.py), which outlives the session
key that Django rotates at login, when the journey is claimed by the account.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from onboarding import visitors
from onboarding.conditions import applies
from onboarding.content import GuideStructure, StepInfo, guide_structure
from onboarding.models import Guide, Journey, StepProgress

Status = StepProgress.Status
FINISHED = {Status.DONE, Status.SKIPPED}


# --- Selectors ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Owner:
    """Who a journey belongs to: an account, or a visitor's browser session."""

    user_id: int | None
    visitor_key: str | None

    @classmethod
    def of(cls, request: HttpRequest) -> Owner:
        if request.user.is_authenticated:
            return cls(user_id=request.user.pk, visitor_key=None)
        return cls(user_id=None, visitor_key=visitors.visitor_key(request))

    def journeys(self):
        """A queryset of this owner's journeys (empty for a visitor with no key yet)."""
        if self.user_id is not None:
            return Journey.objects.filter(user_id=self.user_id)
        if self.visitor_key:
            return Journey.objects.filter(session_key=self.visitor_key)
        return Journey.objects.none()


@dataclass(frozen=True, slots=True)
class StepState:
    step: StepInfo
    number: int | None  # position among the steps that apply, from 1; None when not needed
    status: str
    applies: bool
    reachable: bool
    completed_at: Any
    updated_at: Any = None  # when the status last changed; None before the step is reached

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def status_label(self) -> str:
        if not self.applies:
            return "Not needed"
        return Status(self.status).label


@dataclass(frozen=True, slots=True)
class RowSnapshot:
    """What a page needs of one StepProgress row; small and safe to cache."""

    status: str
    answers: dict[str, Any]
    completed_at: Any
    updated_at: Any = None


@dataclass(frozen=True, slots=True)
class Progress:
    """Where one journey stands in one guide: every step's state, for the sidebar and pages."""

    guide: GuideStructure
    journey: Journey | None
    states: tuple[StepState, ...]
    rows: Mapping[int, RowSnapshot]

    @property
    def answers_by_step(self) -> dict[int, dict[str, Any]]:
        return {step_id: row.answers for step_id, row in self.rows.items()}

    @property
    def applicable(self) -> tuple[StepState, ...]:
        return tuple(state for state in self.states if state.applies)

    @property
    def done_count(self) -> int:
        return sum(1 for state in self.applicable if state.finished)

    @property
    def total(self) -> int:
        return len(self.applicable)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 0

    @property
    def first_unfinished(self) -> StepState | None:
        return next((state for state in self.applicable if not state.finished), None)

    @property
    def stuck(self) -> tuple[StepState, ...]:
        return tuple(state for state in self.applicable if state.status == Status.STUCK)

    @property
    def complete(self) -> bool:
        return self.first_unfinished is None

    @property
    def started(self) -> bool:
        return self.journey is not None and bool(self.answers_by_step)

    def state(self, slug: str) -> StepState | None:
        return next((state for state in self.states if state.step.slug == slug), None)

    @property
    def cache_key(self) -> str:
        """Names this exact progress: it changes with the guide's content and the journey."""
        guide = f"{self.guide.id}:{self.guide.version}"
        if self.journey is None:
            return f"{guide}:new"
        return f"{guide}:{self.journey.pk}:{self.journey.updated_at.isoformat()}"


def guide_and_journey(*, guide_slug: str, owner: Owner) -> tuple[Guide, Journey | None]:
    """The published guide and this owner's journey through it (None before the first save).

    One query when the journey exists (the guide comes joined), two when it does not.
    """
    journey = _journey_with_guide(guide_slug=guide_slug, owner=owner)
    if journey is not None:
        return journey.guide, journey
    guide = next(iter(Guide.objects.filter(slug=guide_slug, published=True)[:1]), None)
    if guide is None:
        raise Http404("No such guide.")
    return guide, None


# Every personal page starts with this look-up. Written out once, it costs the database a tenth
# of a millisecond; built by the ORM on each request, five times that in Python (bench/load.py).
_JOURNEY_WITH_GUIDE = """
    SELECT journey.*, guide.slug AS guide_slug, guide.title AS guide_title,
           guide.content_version AS guide_version
    FROM {journey_table} journey JOIN {guide_table} guide ON guide.id = journey.guide_id
    WHERE journey.{owner_column} = %s AND guide.slug = %s AND guide.published = %s
"""


def _journey_with_guide(*, guide_slug: str, owner: Owner) -> Journey | None:
    if owner.user_id is not None:
        column, value = "user_id", owner.user_id
    elif owner.visitor_key:
        column, value = "session_key", owner.visitor_key
    else:
        return None
    sql = _JOURNEY_WITH_GUIDE.format(
        journey_table=Journey._meta.db_table, guide_table=Guide._meta.db_table, owner_column=column
    )
    journey = next(iter(Journey.objects.raw(sql, [value, guide_slug, True])), None)
    if journey is None:
        return None
    loaded = {
        "id": journey.guide_id,
        "slug": journey.guide_slug,
        "title": journey.guide_title,
        "published": True,
        "content_version": journey.guide_version,
    }
    # from_db takes values in the model's field order; the fields not loaded stay deferred, so
    # reading one queries for it instead of coming back blank.
    names = [field.attname for field in Guide._meta.concrete_fields if field.attname in loaded]
    journey.guide = Guide.from_db("default", names, [loaded[name] for name in names])
    return journey


def progress_of(
    *, guide: Guide, journey: Journey | None, rows: Mapping[int, RowSnapshot] | None = None
) -> Progress:
    """Every step's state for this journey, from the given rows or the journey's saved ones."""
    structure = guide_structure(guide_id=guide.pk, version=guide.content_version)
    if rows is None:
        rows = _progress_rows(journey) if journey else {}
    steering = journey.answers if journey else {}
    states: list[StepState] = []
    reachable = True
    number = 0
    for step in structure.steps:
        row = rows.get(step.id)
        step_applies = applies(step.condition, steering)
        status = row.status if row else Status.NOT_STARTED
        if step_applies:
            number += 1
        states.append(
            StepState(
                step=step,
                number=number if step_applies else None,
                status=status,
                applies=step_applies,
                reachable=step_applies and reachable,
                completed_at=row.completed_at if row else None,
                updated_at=row.updated_at if row else None,
            )
        )
        # Steps after the first unfinished one cannot be reached yet.
        if step_applies and status not in FINISHED:
            reachable = False
    return Progress(guide=structure, journey=journey, states=tuple(states), rows=rows)


def _progress_rows(journey: Journey) -> dict[int, RowSnapshot]:
    """The journey's progress rows by step id, cached until the journey next changes.

    Every progress write also saves the journey (record_step, mark_stuck), renewing updated_at,
    which this request read from the database: the key can never name stale rows.
    """
    # v2: snapshots gained updated_at; older cached ones lack it.
    key = f"journey-progress:v2:{journey.pk}:{journey.updated_at.isoformat()}"
    rows = cache.get(key)
    if rows is None:
        rows = {
            row.step_id: RowSnapshot(row.status, row.answers, row.completed_at, row.updated_at)
            for row in journey.progress.all()
        }
        cache.set(key, rows, timeout=3600)
    return rows


# --- Services ----------------------------------------------------------------------------------


def ensure_journey(*, request: HttpRequest, guide: Guide) -> Journey:
    """This person's journey through the guide, created at their first save."""
    owner = Owner.of(request)
    if owner.user_id is None and not owner.visitor_key:
        owner = Owner(user_id=None, visitor_key=visitors.remember(request))
    lookup = (
        {"user_id": owner.user_id}
        if owner.user_id is not None
        else {"session_key": owner.visitor_key}
    )
    try:
        with transaction.atomic():
            journey, _ = Journey.objects.get_or_create(guide=guide, **lookup)
    except IntegrityError:
        # Another request (a second tab) created it between our read and our insert.
        journey = Journey.objects.get(guide=guide, **lookup)
    return journey


class JourneyGone(Exception):
    """The journey was merged into an account's (a login elsewhere) while this request ran."""


def record_step(
    *,
    journey: Journey,
    step: StepInfo,
    next_step: StepInfo | None,
    answers: dict[str, Any],
    steering: dict[str, Any],
) -> RowSnapshot:
    """Save a step as done with its answers, and mark the next step as reached.

    Upserts, so a double-submitted or retried POST, or two tabs at once, leave one row a step.
    Raises JourneyGone, saving nothing, if a login claimed the journey into another meanwhile.
    """
    arguments = {"step": step, "next_step": next_step, "answers": answers, "steering": steering}
    try:
        return _save_step(journey=journey, **arguments)
    except IntegrityError:
        # "Completed after reached" failed: another request stamped this step reached with a
        # clock ahead of ours (another server's). Complete it no earlier than that.
        reached = StepProgress.objects.filter(journey=journey, step_id=step.id)
        return _save_step(
            journey=journey, **arguments, not_before=reached.values_list("reached_at").get()[0]
        )


@transaction.atomic
def _save_step(
    *,
    journey: Journey,
    step: StepInfo,
    next_step: StepInfo | None,
    answers: dict[str, Any],
    steering: dict[str, Any],
    not_before: datetime.datetime | None = None,
) -> RowSnapshot:
    _lock(journey, steering=steering)
    # Read after the lock: saves of one journey take turns, so their times follow that order.
    now = timezone.now() if not_before is None else max(timezone.now(), not_before)
    done = StepProgress(
        journey=journey,
        step_id=step.id,
        status=Status.DONE,
        answers=answers,
        reached_at=now,
        completed_at=now,
    )
    _upsert(done, update_fields=["status", "answers", "completed_at", "updated_at"])
    if next_step is not None:
        reached = StepProgress(journey=journey, step_id=next_step.id, reached_at=now)
        StepProgress.objects.bulk_create([reached], ignore_conflicts=True)
    return RowSnapshot(status=done.status, answers=answers, completed_at=now, updated_at=now)


def _lock(journey: Journey, *, steering: Mapping[str, Any] | None = None) -> None:
    """Lock the journey's row (as a login's claim does, first, so the two never deadlock),
    renew its updated_at and merge in steering answers; JourneyGone if a claim merged it away.

    updated_at keys the cached progress, so it is renewed by every change of progress.
    """
    if steering:
        # Merge into the answers as saved now, not as this request read them: another tab
        # may have changed them since.
        saved = Journey.objects.select_for_update().filter(pk=journey.pk)
        current = saved.values_list("answers", flat=True).first()
        if current is None:
            raise JourneyGone
        journey.answers = {**current, **steering}
        journey.save(update_fields=["answers", "updated_at"])
        return
    now = timezone.now()
    if not Journey.objects.filter(pk=journey.pk).update(updated_at=now):
        raise JourneyGone
    journey.updated_at = now


@transaction.atomic
def mark_stuck(*, journey: Journey, step: StepInfo) -> None:
    """Record that the person is stuck on a step (it keeps any answers it had)."""
    _lock(journey)
    stuck = StepProgress(journey=journey, step_id=step.id, status=Status.STUCK, completed_at=None)
    _upsert(stuck, update_fields=["status", "completed_at", "updated_at"])


def _upsert(progress: StepProgress, *, update_fields: list[str]) -> None:
    """Insert the row, or update these fields of the row already there for its step."""
    StepProgress.objects.bulk_create(
        [progress],
        update_conflicts=True,
        unique_fields=["journey", "step"],
        update_fields=update_fields,
    )


def complete_journey(*, journey: Journey) -> None:
    """Stamp the journey as complete the first time every applicable step is finished."""
    if journey.completed_at is None:
        journey.completed_at = timezone.now()
        journey.save(update_fields=["completed_at", "updated_at"])
