"""Reading journeys: whose journey this is, and where each of its steps stands.

Any order is the rule: every step of a guide can be opened, except one that needs another step
finished first (`Step.needs`), which says "Cannot start yet". A step whose condition reads an
answer not given yet stays in the guide and says what it depends on; only a step whose condition
is false is "Not needed", and it is left out of the counts.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from onboarding.guides.conditions import applies, pending_label
from onboarding.guides.models import Guide
from onboarding.guides.selectors import GuideStructure, StepInfo, guide_structure
from onboarding.journeys import visitors
from onboarding.journeys.models import Journey, StepProgress

Status = StepProgress.Status
FINISHED = frozenset({Status.DONE, Status.SKIPPED})


@dataclass(frozen=True, slots=True)
class Owner:
    """Who a journey belongs to: an account, or a visitor's browser (its visitor key)."""

    user_id: int | None
    visitor_key: str | None

    @classmethod
    def of(cls, request: HttpRequest) -> Owner:
        if request.user.is_authenticated:
            return cls(user_id=request.user.pk, visitor_key=None)
        return cls(user_id=None, visitor_key=visitors.visitor_key(request))

    def journeys(self) -> QuerySet[Journey]:
        """This owner's journeys (none for a visitor with no key yet)."""
        if self.user_id is not None:
            return Journey.objects.filter(user_id=self.user_id)
        if self.visitor_key:
            return Journey.objects.filter(visitor_key=self.visitor_key)
        return Journey.objects.none()


@dataclass(frozen=True, slots=True)
class RowSnapshot:
    """What a page needs of one StepProgress row."""

    status: str
    answers: dict[str, Any]
    completed_at: datetime.datetime | None
    updated_at: datetime.datetime | None = None
    problem_id: int | None = None


@dataclass(frozen=True, slots=True)
class StepState:
    step: StepInfo
    status: str
    # True: part of this journey; False: not needed; None: depends on an answer not given yet.
    applies: bool | None
    # Titles of the steps this one needs that are not finished yet.
    waiting_for: tuple[str, ...]
    completed_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    problem_id: int | None
    number: int | None = None  # its place among the listed steps, from 1
    suggested: bool = False

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def listed(self) -> bool:
        """Whether the step counts for this person (it applies, or may)."""
        return self.applies is not False

    @property
    def can_start(self) -> bool:
        return self.listed and not self.waiting_for

    @property
    def status_label(self) -> str:
        if self.applies is False:
            return "Not needed"
        if self.finished:
            return Status(self.status).label
        if self.applies is None:
            return pending_label(self.step.condition)
        if self.waiting_for:
            return "Cannot start yet"
        return Status(self.status).label


@dataclass(frozen=True, slots=True)
class Progress:
    """Where one journey stands in one guide: every step's state, for the sidebar and pages."""

    guide: GuideStructure
    journey: Journey | None
    states: tuple[StepState, ...]
    rows: Mapping[int, RowSnapshot]
    # Counted once: a page reads them several times (sidebar, meter, captions).
    listed: tuple[StepState, ...] = field(init=False, repr=False, compare=False)
    done_count: int = field(init=False, repr=False, compare=False)
    minutes_left: int = field(init=False, repr=False, compare=False)
    # A page asks for steps by slug many times (formtools asks once per step whether it is listed).
    _by_slug: dict[str, StepState] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", {state.step.slug: state for state in self.states})
        listed = tuple(state for state in self.states if state.listed)
        object.__setattr__(self, "listed", listed)
        object.__setattr__(self, "done_count", sum(1 for state in listed if state.finished))
        object.__setattr__(
            self,
            "minutes_left",
            sum(state.step.estimated_minutes for state in listed if not state.finished),
        )

    @property
    def total(self) -> int:
        return len(self.listed)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 0

    @property
    def total_minutes(self) -> int:
        return sum(state.step.estimated_minutes for state in self.listed)

    @property
    def suggested(self) -> StepState | None:
        return next((state for state in self.states if state.suggested), None)

    @property
    def stuck(self) -> tuple[StepState, ...]:
        return tuple(state for state in self.listed if state.status == Status.STUCK)

    @property
    def complete(self) -> bool:
        return all(state.finished for state in self.listed)

    @property
    def started(self) -> bool:
        return bool(self.rows)

    def state(self, slug: str) -> StepState | None:
        return self._by_slug.get(slug)


def progress_of(
    *,
    structure: GuideStructure,
    journey: Journey | None,
    rows: Mapping[int, RowSnapshot],
    steering: Mapping[str, Any] | None = None,
) -> Progress:
    """Every step's state for this journey, from its progress rows and steering answers (the
    journey's own unless others are given, e.g. those a save is about to make)."""
    if steering is None:
        steering = journey.answers if journey else {}
    statuses = {
        step.slug: rows[step.id].status if step.id in rows else Status.NOT_STARTED
        for step in structure.steps
    }
    applying = {step.slug: applies(step.condition, steering) for step in structure.steps}
    # A needed step that is not needed here (sign-up, for someone with an account) is met.
    met = {
        step.slug
        for step in structure.steps
        if statuses[step.slug] in FINISHED or applying[step.slug] is False
    }
    states: list[StepState] = []
    number = 0
    suggested_yet = False
    for step in structure.steps:
        row = rows.get(step.id)
        step_applies = applying[step.slug]
        waiting_for = tuple(structure.title_of(slug) for slug in step.needs if slug not in met)
        listed = step_applies is not False
        number += listed
        status = statuses[step.slug]
        suggest = listed and not suggested_yet and not waiting_for and status not in FINISHED
        suggested_yet = suggested_yet or suggest
        states.append(
            StepState(
                step=step,
                status=status,
                applies=step_applies,
                waiting_for=waiting_for,
                completed_at=row.completed_at if row else None,
                updated_at=row.updated_at if row else None,
                problem_id=row.problem_id if row else None,
                number=number if listed else None,
                suggested=suggest,
            )
        )
    return Progress(guide=structure, journey=journey, states=tuple(states), rows=rows)


def progress_rows(*, journey: Journey | None) -> dict[int, RowSnapshot]:
    """The journey's progress rows by step id (one query; none before the first save)."""
    if journey is None:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_progress_rows_sql(), [journey.pk])
        return _snapshots(cursor.fetchall())


# Every personal page reads the journey's rows. Built by the ORM on each request, the query costs
# about ten times its database time in Python; written out, its values still go through the
# converters the ORM would apply (aware datetimes, decoded JSON), so they come back the same.
_ROW_FIELDS = ("step", "status", "answers", "completed_at", "updated_at", "problem")


@functools.cache
def _progress_rows_sql() -> str:
    columns = ", ".join(StepProgress._meta.get_field(name).column for name in _ROW_FIELDS)
    return f"SELECT {columns} FROM {StepProgress._meta.db_table} WHERE journey_id = %s"


def _snapshots(raw_rows: Iterable[tuple]) -> dict[int, RowSnapshot]:
    """Raw rows of _ROW_FIELDS as the ORM would give them, by step id."""
    convert = _converters(StepProgress, _ROW_FIELDS)
    return {values[0]: RowSnapshot(*values[1:]) for values in map(convert, raw_rows)}


def _converters(model: type[Model], names: tuple[str, ...]) -> Callable[[tuple], tuple]:
    """A function that turns raw values of these fields of the model into the ORM's values.

    Built once per database connection: asking the backend for each column's converters on every
    request cost as much as running the query.
    """
    wrapper = connections[DEFAULT_DB_ALIAS]
    built = _BUILT_CONVERTERS.setdefault(wrapper, {})
    if (model, names) not in built:
        built[model, names] = _build_converters(wrapper, model, names)
    return built[model, names]


# Keyed by the connection object, which each thread has its own of: converters are bound to it.
_BUILT_CONVERTERS: WeakKeyDictionary[BaseDatabaseWrapper, dict] = WeakKeyDictionary()


def forget_converters() -> None:
    """Drop the converters built so far (each test builds them as a new process would)."""
    _BUILT_CONVERTERS.clear()


def _build_converters(
    wrapper: BaseDatabaseWrapper, model: type[Model], names: tuple[str, ...]
) -> Callable[[tuple], tuple]:
    table = model._meta.db_table
    steps = []
    for name in names:
        column = model._meta.get_field(name).get_col(table)
        functions = wrapper.ops.get_db_converters(column) + column.get_db_converters(wrapper)
        steps.append((column, functions))

    def convert(row: tuple) -> tuple:
        values = []
        for value, (column, functions) in zip(row, steps, strict=True):
            for function in functions:
                value = function(value, column, wrapper)
            values.append(value)
        return tuple(values)

    return convert


def progress_for(*, guide: Guide, journey: Journey | None) -> Progress:
    """Where this journey stands in this guide: its structure and rows, read now."""
    return progress_of(
        structure=guide_structure(guide=guide), journey=journey, rows=progress_rows(journey=journey)
    )


def guide_and_journey(*, guide_slug: str, owner: Owner) -> tuple[Guide, Journey | None]:
    """The published guide and this owner's journey through it (None before the first save).

    One query when the journey exists (the guide comes joined), two when it does not.
    """
    found = _journey_with_guide(guide_slug=guide_slug, owner=owner, with_rows=False)
    if found is not None:
        return found[0].guide, found[0]
    return _published_guide_or_404(guide_slug), None


def owner_progress(*, guide_slug: str, owner: Owner) -> Progress:
    """Where this owner stands in a published guide, as progress_for would say.

    One query when the journey exists (its guide and progress rows come joined), two when it
    does not: the pages a person opens most (a step, the sidebar, the task list) start here.
    """
    found = _journey_with_guide(guide_slug=guide_slug, owner=owner, with_rows=True)
    if found is None:
        guide = _published_guide_or_404(guide_slug)
        return progress_of(structure=guide_structure(guide=guide), journey=None, rows={})
    journey, rows = found
    return progress_of(structure=guide_structure(guide=journey.guide), journey=journey, rows=rows)


def _published_guide_or_404(guide_slug: str) -> Guide:
    guide = _published_guide(guide_slug)
    if guide is None:
        raise Http404("No such guide.")
    return guide


# Every personal page starts with this look-up. Written out once, it costs the database a tenth
# of a millisecond; built by the ORM on each request (or as a raw queryset), several times that
# in Python. The journey's values go through the ORM's converters, as progress_rows' do. With
# its rows, each row comes with the journey's and guide's columns (NULLs for a journey with
# none yet), and those are read from the first.
_JOURNEY_WITH_GUIDE = """
    SELECT {journey_columns}, guide.slug, guide.title, guide.content_version{row_columns}
    FROM {journey_table} journey JOIN {guide_table} guide ON guide.id = journey.guide_id{rows_join}
    WHERE journey.{owner_column} = %s AND guide.slug = %s AND guide.published = %s
"""


_JOURNEY_NAMES = tuple(field.attname for field in Journey._meta.concrete_fields)


@functools.cache
def _journey_with_guide_sql(owner_column: str, *, with_rows: bool) -> str:
    row_columns = rows_join = ""
    if with_rows:
        row_fields = [StepProgress._meta.get_field(name) for name in _ROW_FIELDS]
        row_columns = "".join(f", row.{field.column}" for field in row_fields)
        rows_join = f" LEFT JOIN {StepProgress._meta.db_table} row ON row.journey_id = journey.id"
    return _JOURNEY_WITH_GUIDE.format(
        journey_columns=", ".join(f"journey.{f.column}" for f in Journey._meta.concrete_fields),
        row_columns=row_columns,
        journey_table=Journey._meta.db_table,
        guide_table=Guide._meta.db_table,
        rows_join=rows_join,
        owner_column=owner_column,
    )


def _journey_with_guide(
    *, guide_slug: str, owner: Owner, with_rows: bool
) -> tuple[Journey, dict[int, RowSnapshot]] | None:
    """The owner's journey, its guide loaded, and (with_rows) its progress rows by step id."""
    if owner.user_id is not None:
        column, value = "user_id", owner.user_id
    elif owner.visitor_key:
        column, value = "visitor_key", owner.visitor_key
    else:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            _journey_with_guide_sql(column, with_rows=with_rows), [value, guide_slug, True]
        )
        found = cursor.fetchall() if with_rows else cursor.fetchmany(1)
    if not found:
        return None
    names, first = _JOURNEY_NAMES, found[0]
    journey = Journey.from_db("default", names, _converters(Journey, names)(first[: len(names)]))
    journey.guide = _loaded_guide(journey.guide_id, *first[len(names) : len(names) + 3])
    if not with_rows:
        return journey, {}
    start = len(names) + 3
    # A journey with no rows yet comes as one row whose progress columns are all NULL.
    return journey, _snapshots(row[start:] for row in found if row[start] is not None)


# A visitor's first page, before any journey: the guide alone, written out for the same reason.
@functools.cache
def _published_guide_sql() -> str:
    columns = ", ".join(Guide._meta.get_field(name).column for name in _GUIDE_FIELDS)
    return f"SELECT {columns} FROM {Guide._meta.db_table} WHERE slug = %s AND published = %s"


_GUIDE_FIELDS = ("id", "slug", "title", "content_version")


def _published_guide(guide_slug: str) -> Guide | None:
    with connection.cursor() as cursor:
        cursor.execute(_published_guide_sql(), [guide_slug, True])
        row = cursor.fetchone()
    return None if row is None else _loaded_guide(*row)


def _loaded_guide(guide_id: int, slug: str, title: str, version: int) -> Guide:
    """A published guide with what pages read of it; the fields not loaded stay deferred, so
    reading one queries for it instead of coming back blank."""
    loaded = {
        "id": guide_id,
        "slug": slug,
        "title": title,
        "published": True,
        "content_version": version,
    }
    # from_db takes values in the model's field order.
    names = [field.attname for field in Guide._meta.concrete_fields if field.attname in loaded]
    return Guide.from_db("default", names, [loaded[name] for name in names])


def progress_on_request(request: HttpRequest, *, guide_slug: str) -> Progress:
    """This request's person's progress in a guide, read once per request.

    The wizard and its storage both need it; the first to ask reads the database and the
    request keeps the answer, as Django keeps request.user.
    """
    kept: dict[str, Progress] = request.__dict__.setdefault("_journey_progress", {})
    if guide_slug not in kept:
        kept[guide_slug] = owner_progress(guide_slug=guide_slug, owner=Owner.of(request))
    return kept[guide_slug]
