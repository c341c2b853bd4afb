"""The geometry of the funnel's bar chart, drawn server-side as SVG (no JavaScript chart library).

One row per step: a stacked bar as long as the journeys that reached the step, split into those
that finished it, those stuck on it, and the rest. templates/insights/funnel_chart.svg
draws it; the page's table carries the same numbers in text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import Truncator

from onboarding.insights.selectors import Funnel, FunnelStep

LABEL_WIDTH = 230
BAR_WIDTH = 380
COUNT_WIDTH = 60
ROW_HEIGHT = 30
LEGEND_HEIGHT = 34


@dataclass(frozen=True, slots=True)
class Bar:
    step: FunnelStep
    label: str
    y: int
    finished_width: int
    stuck_x: int
    stuck_width: int
    rest_x: int
    rest_width: int
    count_x: int


@dataclass(frozen=True, slots=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_x: int
    legend_y: int


def chart_of(funnel: Funnel) -> Chart:
    """Lay out one stacked bar per step, scaled so the most-reached step fills the width."""
    scale = BAR_WIDTH / funnel.widest if funnel.widest else 0
    bars = []
    for index, step in enumerate(funnel.steps):
        reached = round(step.reached * scale)
        finished = round(step.finished * scale)
        stuck = min(round(step.stuck * scale), reached - finished)
        bars.append(
            Bar(
                step=step,
                label=Truncator(f"{step.number}. {step.title}").chars(32),
                y=index * ROW_HEIGHT,
                finished_width=finished,
                stuck_x=LABEL_WIDTH + finished,
                stuck_width=stuck,
                rest_x=LABEL_WIDTH + finished + stuck,
                rest_width=reached - finished - stuck,
                count_x=LABEL_WIDTH + reached + 6,
            )
        )
    rows_height = len(bars) * ROW_HEIGHT
    return Chart(
        bars=tuple(bars),
        width=LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH,
        height=rows_height + LEGEND_HEIGHT,
        bar_x=LABEL_WIDTH,
        legend_y=rows_height + 10,
    )
