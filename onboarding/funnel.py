"""The funnel of a guide, for editors: per step, how many journeys reached it, finished it, or are
stuck on it, and the median time from reaching to finishing.

A journey has reached a step when it has a progress row for it (the wizard writes one for the next
step on every save, and "I'm stuck" writes one too). Four aggregate queries answer everything,
however many journeys or steps there are: the steps, the counts per step, the middle durations per
step (the median is found in SQL with window functions, so at most two rows per step come back),
and the journeys' totals. Nothing personal is read: no answers, no owners.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber

from onboarding.models import Guide, Journey, StepProgress
from onboarding.progress import FINISHED, Status


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
    counts = {
        row["step_id"]: row
        for row in StepProgress.objects.filter(step__guide=guide)
        .values("step_id")
        .annotate(
            reached=Count("pk"),
            finished=Count("pk", filter=Q(status__in=FINISHED)),
            stuck=Count("pk", filter=Q(status=Status.STUCK)),
        )
        .order_by()
    }
    medians = _medians(guide)
    totals = Journey.objects.filter(guide=guide).aggregate(
        journeys=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False))
    )
    empty = {"reached": 0, "finished": 0, "stuck": 0}
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
                reached=counts.get(step_id, empty)["reached"],
                finished=counts.get(step_id, empty)["finished"],
                stuck=counts.get(step_id, empty)["stuck"],
                median=medians.get(step_id),
            )
            for number, (step_id, title, slug, published) in enumerate(steps, start=1)
        ),
    )


def _medians(guide: Guide) -> dict[int, datetime.timedelta]:
    """Per step, the median time from reaching to finishing, in one query.

    Rows are numbered by duration within each step; only the middle one (odd count) or two (even
    count) are kept, so the result has at most two rows per step whatever the number of journeys.
    """
    duration = ExpressionWrapper(F("completed_at") - F("reached_at"), output_field=DurationField())
    middle = (
        StepProgress.objects.filter(
            step__guide=guide, status__in=FINISHED, completed_at__isnull=False
        )
        .annotate(
            duration=duration,
            position=Window(RowNumber(), partition_by=F("step_id"), order_by=duration.asc()),
            total=Window(Count("pk"), partition_by=F("step_id")),
        )
        # Integer division: positions (n+1)//2 and (n+2)//2 are the middle of n rows.
        .filter(position__gte=(F("total") + 1) / 2, position__lte=(F("total") + 2) / 2)
        .values_list("step_id", "duration")
    )
    halves: dict[int, list[datetime.timedelta]] = {}
    for step_id, value in middle:
        halves.setdefault(step_id, []).append(value)
    return {
        step_id: sum(values, datetime.timedelta()) / len(values)
        for step_id, values in halves.items()
    }


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
