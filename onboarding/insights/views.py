"""A guide's funnel page (chart and table) and its CSV.

The guide admin routes to these (guides/admin.py), behind the admin's staff and CSRF checks.
"""

from __future__ import annotations

import csv
import re
from typing import Any

from django.contrib.admin import ModelAdmin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse

from onboarding.guides.models import Guide
from onboarding.insights.chart import chart_of
from onboarding.insights.selectors import funnel_of
from onboarding.web.http import HtmxHttpRequest

CSV_COLUMNS = [
    "step", "slug", "title", "published", "reached", "finished", "stuck", "in_progress",
    "median_seconds", "stuck_on",
]  # fmt: skip


def funnel_page(
    request: HtmxHttpRequest, *, model_admin: ModelAdmin, object_id: str
) -> HttpResponse:
    """Where journeys stop in a guide: a bar chart and a table of the same numbers."""
    guide = _guide_for_funnel(request, model_admin, object_id)
    funnel = funnel_of(guide=guide)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": guide,
        "title": f"Where people stop: {guide.title}",
        "funnel": funnel,
        "chart": chart_of(funnel),
    }
    return TemplateResponse(request, "insights/funnel.html", context)


def funnel_csv(
    request: HtmxHttpRequest, *, model_admin: ModelAdmin, object_id: str
) -> HttpResponse:
    """The funnel's numbers, one row per step; counts and durations only, nothing personal."""
    guide = _guide_for_funnel(request, model_admin, object_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="funnel-{guide.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for step in funnel_of(guide=guide).steps:
        writer.writerow(
            [
                step.number,
                _cell(step.slug),
                _cell(step.title),
                "yes" if step.published else "no",
                step.reached,
                step.finished,
                step.stuck,
                step.in_progress,
                "" if step.median is None else round(step.median.total_seconds()),
                _cell(
                    "; ".join(f"{problem.summary}: {problem.count}" for problem in step.problems)
                ),
            ]
        )
    return response


def _guide_for_funnel(request: HtmxHttpRequest, model_admin: ModelAdmin, object_id: str) -> Guide:
    guide = model_admin.get_object(request, unquote(object_id))
    if guide is None:
        raise Http404("No such guide.")
    if not (model_admin.has_view_permission(request, guide) and may_see_funnels(request.user)):
        raise PermissionDenied
    return guide


def may_see_funnels(user: Any) -> bool:
    """Whether this user may open funnels: made of journeys, they need the right to see those."""
    sees_guides = user.has_perm("guides.view_guide") or user.has_perm("guides.change_guide")
    return sees_guides and user.has_perm("journeys.view_journey")


# A formula can start a cell, or follow any character a spreadsheet may split cells or lists on.
_FORMULA = re.compile(r"(?:^|[,;|\t\r\n])\s*[=+\-@]")


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (an editor's title could hold "=" or ";=")."""
    return f"'{text}" if _FORMULA.search(text) else text
