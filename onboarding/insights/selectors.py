"""The funnel of a guide, for editors: per step, how many journeys reached it, finished it, or are
stuck on it (and on which of its problems), and the median time from reaching to finishing.

A journey has reached a step when it has a progress row for it (the wizard writes one for the next
step on every save, and "I'm stuck" writes one too). The numbers come from the step counts the
database keeps (models.StepCount, step_counts.py), not from the progress rows: four small queries
however many journeys there are: the steps; their counts, by status, time taken and problem; the
summaries of the problems chosen; and the journeys' totals, from an index. The counts of finished
rows by time taken are each step's histogram of durations, from which the median is read exactly:
times are kept to the second under an hour, to the minute under two days and to the hour beyond.
Nothing personal is read: no answers, no owners.
"""

from __future__ import annotations

import datetime
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count

from onboarding.guides.models import Guide, Problem
from onboarding.insights.models import StepCount
from onboarding.journeys.models import Journey
from onboarding.journeys.selectors import FINISHED, Status

# What a stuck person chose when none of the step's problems fitted ("problem" left empty).
SOMETHING_ELSE = "Something else"


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
    step_ids = [step[0] for step in steps]
    reached: Counter[int] = Counter()
    finished: Counter[int] = Counter()
    stuck: Counter[int] = Counter()
    durations: dict[int, Counter[int]] = defaultdict(Counter)
    chosen: dict[int, Counter[int]] = defaultdict(Counter)
    counts = StepCount.objects.filter(step_id__in=step_ids, total__gt=0).values_list(
        "step_id", "status", "taken", "problem", "total"
    )
    for step_id, status, taken, problem, count in counts:
        reached[step_id] += count
        if status in FINISHED:
            finished[step_id] += count
            if taken >= 0:
                durations[step_id][taken] += count
        elif status == Status.STUCK:
            stuck[step_id] += count
            chosen[step_id][problem] += count
    known = _problem_summaries(chosen)
    totals = Journey.objects.filter(guide=guide).aggregate(
        journeys=Count("*"), completed=Count("completed_at")
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
                problems=_ranked(chosen[step_id], known),
            )
            for number, (step_id, title, slug, published) in enumerate(steps, start=1)
        ),
    )


def funnel_guides() -> list[Guide]:
    """Every guide, published or not, by title: each has a funnel."""
    return list(Guide.objects.order_by("title").only("pk", "title"))


def _problem_summaries(chosen: dict[int, Counter[int]]) -> dict[int, tuple[int, str]]:
    """{problem id: (its order in its step, its summary)} for every problem chosen, one query."""
    ids = {problem_id for counts in chosen.values() for problem_id in counts if problem_id}
    if not ids:
        return {}
    rows = Problem.objects.filter(pk__in=ids).values_list("pk", "order", "summary")
    return {pk: (order, summary) for pk, order, summary in rows}


def _ranked(chosen: Counter[int], known: dict[int, tuple[int, str]]) -> tuple[ProblemCount, ...]:
    """A step's problems as its stuck rows chose them ({problem id, 0 for none: how many}): most
    chosen first; on a tie, in the step's order, with "something else" last."""
    ranked = []
    for problem_id, count in chosen.items():
        if problem_id in known:
            order, summary = known[problem_id]
            ranked.append(((-count, order, problem_id), ProblemCount(summary, count)))
        else:
            ranked.append(((-count, sys.maxsize, 0), ProblemCount(SOMETHING_ELSE, count)))
    return tuple(problem for _, problem in sorted(ranked, key=lambda row: row[0]))


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
