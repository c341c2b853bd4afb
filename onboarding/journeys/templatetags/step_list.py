"""The step list and progress meter (sidebar, task list and others), from fragments rendered once
per content version.

An item shows one step in one of a few states: its status, whether it can be started, whether it
is the suggested next step and whether it is the page being viewed. Those states are few and the
same for everyone, so each item is rendered from its template once per state and content
version, kept with the guide's other fragments, and a person's list is those items joined: the
page costs a look-up per step instead of a template render per step. The meter ("3 of 12 steps
done", its bar) depends on a few counts alone, and is kept the same way for each.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from onboarding.journeys.selectors import Progress, StepState

register = template.Library()

ITEM_TEMPLATE = "partials/step_item.html"
METER_TEMPLATE = "partials/progress_meter.html"


def css_status(item: StepState) -> str:
    """The item's status class: why it cannot be taken, or its status."""
    if item.applies is False:
        return "not-needed"
    if item.waiting_for:
        return "cannot-start"
    return item.status


@register.simple_tag
def step_items(progress: Progress, *, current: StepState | None, detailed: bool) -> SafeString:
    """Every step's list item, in the guide's order; `current` is the step being viewed."""
    fragments = progress.guide.fragments
    # A page without a current step (the sidebar partial, the task list) passes None or nothing.
    current_slug = current.step.slug if current else None
    html = []
    for item in progress.states:
        variant = {
            "css_status": css_status(item),
            "status_label": item.status_label,
            "can_start": item.can_start,
            "suggested": item.suggested,
            "current": item.step.slug == current_slug,
            "detailed": bool(detailed),
        }
        key = ("step-item", item.step.slug, *variant.values())
        if key not in fragments:
            fragments[key] = render_to_string(ITEM_TEMPLATE, {"step": item.step, **variant})
        html.append(fragments[key])
    return mark_safe("".join(html))


@register.simple_tag
def progress_meter(progress: Progress) -> SafeString:
    """How many steps are done, of how many, and the minutes left, as text and a bar."""
    counts = {
        "done_count": progress.done_count,
        "total": progress.total,
        "minutes_left": progress.minutes_left,
        "percent": progress.percent,
    }
    key = ("progress-meter", *counts.values())
    fragments = progress.guide.fragments
    if key not in fragments:
        fragments[key] = render_to_string(METER_TEMPLATE, {"progress": counts})
    return mark_safe(fragments[key])
