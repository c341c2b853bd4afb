"""The funnel of a guide, for editors: per step, how many journeys reached it, finished it, or are
stuck on it (and on which of its problems), and the median time from reaching to finishing.

A journey has reached a step when it has a progress row for it (the wizard writes one for the next
step on every save, and "I'm stuck" writes one too). Four queries answer everything, however many
journeys or steps there are: the steps; one pass over their progress rows, grouped by step, status
and time taken; the stuck rows grouped by step and problem chosen; and the journeys' totals.
Grouping by time taken gives each step's histogram of
durations, from which the median is read exactly, without sorting millions of rows or sending them
to Python: the groups are bounded by the distinct durations, kept to the second under an hour, to
the minute under two days, and to the hour beyond. Nothing personal is read: no answers, no owners.
"""

from __future__ import annotations

import datetime
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import NotSupportedError
from django.db.models import Case, Count, F, Func, IntegerField, Q, When

from onboarding.guides.models import Guide
from onboarding.journeys.models import Journey, StepProgress
from onboarding.journeys.selectors import FINISHED, Status

HOUR = 3600
TWO_DAYS = 48 * HOUR
# What a stuck person chose when none of the step's problems fitted ("problem" left empty).
SOMETHING_ELSE = "Something else"


class SecondsBetween(Func):
    """Whole seconds from a start timestamp to an end one: SecondsBetween("start", "end")."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        raise NotSupportedError("SecondsBetween is written for PostgreSQL and SQLite only.")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # date_part gives a double, much cheaper to group by than EXTRACT's numeric.
        template = "CAST(ROUND(date_part('epoch', %(expressions)s)) AS bigint)"
        return self._end_minus_start(compiler, connection, template, " - ")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(ROUND((julianday(%(expressions)s)) * 86400) AS integer)"
        return self._end_minus_start(compiler, connection, template, ") - julianday(")

    def _end_minus_start(self, compiler: Any, connection: Any, template: str, joiner: str) -> Any:
        start, end = self.get_source_expressions()
        swapped = self.copy()
        swapped.set_source_expressions([end, start])
        return Func.as_sql(swapped, compiler, connection, template=template, arg_joiner=joiner)


@dataclass(frozen=True, slots=True)
class ProblemCount:
    """How many journeys are stuck on a step with this problem (or with "something else")."""

    summary: str
    count: int


@dataclass(frozen=True, slots=True)
class FunnelStep:
    number: int
    title: str
    slug: str
    published: bool
    reached: int
    finished: int
    stuck: int
    median: datetime.timedelta | None
    # Most chosen first; only problems someone chose.
    problems: tuple[ProblemCount, ...] = ()

    @property
    def in_progress(self) -> int:
        """Reached, neither finished nor stuck: still on it, or gone quiet."""
        return self.reached - self.finished - self.stuck

    @property
    def median_text(self) -> str:
        return describe_duration(self.median)


@dataclass(frozen=True, slots=True)
class Funnel:
    guide: Guide
    journeys: int
    completed: int
    steps: tuple[FunnelStep, ...]

    @property
    def widest(self) -> int:
        """The largest count in the funnel, which the chart scales its bars to."""
        return max((step.reached for step in self.steps), default=0)


def funnel_of(*, guide: Guide) -> Funnel:
    """The funnel numbers of every step of a guide (published or not), in walking order."""
    steps = list(
        guide.steps.order_by("order", "id").values_list("id", "title", "slug", "published")
    )
    reached: Counter[int] = Counter()
    finished: Counter[int] = Counter()
    stuck: Counter[int] = Counter()
    durations: dict[int, Counter[int]] = defaultdict(Counter)
    for step_id, status, seconds, count in _progress_groups([step[0] for step in steps]):
        reached[step_id] += count
        if status in FINISHED:
            finished[step_id] += count
            if seconds is not None:
                durations[step_id][seconds] += count
        elif status == Status.STUCK:
            stuck[step_id] += count
    problems = _stuck_problems([step[0] for step in steps])
    totals = Journey.objects.filter(guide=guide).aggregate(
        journeys=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False))
    )
    return Funnel(
        guide=guide,
        journeys=totals["journeys"],
        completed=totals["completed"],
        steps=tuple(
            FunnelStep(
                number=number,
                title=title,
                slug=slug,
                published=published,
                reached=reached[step_id],
                finished=finished[step_id],
                stuck=stuck[step_id],
                median=median_of(durations[step_id]),
                problems=problems.get(step_id, ()),
            )
            for number, (step_id, title, slug, published) in enumerate(steps, start=1)
        ),
    )


def funnel_guides() -> list[Guide]:
    """Every guide, published or not, by title: each has a funnel."""
    return list(Guide.objects.order_by("title").only("pk", "title"))


def _progress_groups(step_ids: list[int]) -> list[tuple[int, str, int | None, int]]:
    """(step, status, seconds taken or None, how many rows) for these steps' progress rows.

    Filtering on the step ids, not joining the steps, lets the database plan one scan.
    """
    seconds = SecondsBetween("reached_at", "completed_at")
    # Coarser buckets for longer durations keep the groups few however the times spread.
    bucket = Case(
        When(taken__lt=HOUR, then=F("taken")),
        When(taken__lt=TWO_DAYS, then=F("taken") / 60 * 60),
        default=F("taken") / HOUR * HOUR,
        output_field=IntegerField(),
    )
    return list(
        StepProgress.objects.filter(step_id__in=step_ids)
        .annotate(taken=seconds)
        .values_list("step_id", "status", bucket)
        .annotate(count=Count("pk"))
        .order_by()
    )


def _stuck_problems(step_ids: list[int]) -> dict[int, tuple[ProblemCount, ...]]:
    """Per step, the problems its stuck rows chose, most chosen first (the step's order on ties).

    One grouped query over the stuck rows (the step and status index), joined to the problems
    for their summaries: no answers are read.
    """
    groups = (
        StepProgress.objects.filter(step_id__in=step_ids, status=Status.STUCK)
        .values_list("step_id", "problem__order", "problem_id", "problem__summary")
        .annotate(count=Count("pk"))
        .order_by()
    )
    ranked: dict[int, list[tuple[tuple[int, int, int], ProblemCount]]] = defaultdict(list)
    for step_id, order, problem_id, summary, count in groups:
        # Most chosen first; on a tie, in the step's order, with "something else" last.
        rank = (-count, order, problem_id) if problem_id is not None else (-count, sys.maxsize, 0)
        problem = ProblemCount(summary=summary or SOMETHING_ELSE, count=count)
        ranked[step_id].append((rank, problem))
    return {
        step_id: tuple(problem for _, problem in sorted(rows, key=lambda row: row[0]))
        for step_id, rows in ranked.items()
    }


def median_of(histogram: Counter[int]) -> datetime.timedelta | None:
    """The median of durations given as {seconds: how many}; None when there are none."""
    total = histogram.total()
    if not total:
        return None
    # The middle one of an odd count, or the two middle ones of an even count (1-based).
    wanted = sorted({(total + 1) // 2, (total + 2) // 2})
    middle: list[int] = []
    seen = 0
    for seconds in sorted(histogram):
        seen += histogram[seconds]
        while wanted and wanted[0] <= seen:
            middle.append(seconds)
            wanted.pop(0)
    return datetime.timedelta(seconds=sum(middle) / len(middle))


def describe_duration(value: datetime.timedelta | None) -> str:
    """A duration in the words an editor reads at a glance: "40 s", "12 min", "3 h 5 min", "2 d"."""
    if value is None:
        return "–"
    seconds = round(value.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{round(hours / 24)} d"
