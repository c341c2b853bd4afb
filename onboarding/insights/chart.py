"""The geometry of the funnel's bar chart, drawn server-side as SVG (no JavaScript chart library).

One row per step: the step's name, and under it a stacked bar as long as the journeys that
reached the step, split into those that finished it, those stuck on it, and the rest.
templates/insights/funnel_chart.svg draws it; the page's table carries the same numbers in text.

The chart is narrow enough to be drawn at its own size on a 375 px phone: an SVG scaled down to
fit would shrink its labels with it, so names sit above the bars rather than beside them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import Truncator

from onboarding.insights.selectors import Funnel, FunnelStep

BAR_WIDTH = 270
COUNT_WIDTH = 50
FONT_SIZE = 14
# A line of FONT_SIZE text: about as many characters as fit across the chart.
LABEL_CHARACTERS = 42
ROW_HEIGHT = 48
LABEL_BASELINE = 15
BAR_Y = 22
BAR_HEIGHT = 18
LEGEND_HEIGHT = 30


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
    bar_y: int
    bar_height: int
    label_y: int
    count_y: int
    font_size: int
    legend_y: int


def chart_of(funnel: Funnel) -> Chart:
    """Lay out one stacked bar per step, scaled so the most-reached step fills the width."""
    scale = BAR_WIDTH / funnel.widest if funnel.widest else 0
    bar_x = 0
    bars = []
    for index, step in enumerate(funnel.steps):
        reached = round(step.reached * scale)
        finished = round(step.finished * scale)
        stuck = min(round(step.stuck * scale), reached - finished)
        bars.append(
            Bar(
                step=step,
                label=Truncator(f"{step.number}. {step.title}").chars(LABEL_CHARACTERS),
                y=index * ROW_HEIGHT,
                finished_width=finished,
                stuck_x=bar_x + finished,
                stuck_width=stuck,
                rest_x=bar_x + finished + stuck,
                rest_width=reached - finished - stuck,
                count_x=bar_x + reached + 6,
            )
        )
    rows_height = len(bars) * ROW_HEIGHT
    return Chart(
        bars=tuple(bars),
        width=bar_x + BAR_WIDTH + COUNT_WIDTH,
        height=rows_height + LEGEND_HEIGHT,
        bar_x=bar_x,
        bar_y=BAR_Y,
        bar_height=BAR_HEIGHT,
        label_y=LABEL_BASELINE,
        count_y=BAR_Y + BAR_HEIGHT - 4,
        font_size=FONT_SIZE,
        legend_y=rows_height + 4,
    )
