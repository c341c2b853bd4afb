"""The admin's own pages: a guide's funnel (chart, table and CSV) and a step's Markdown preview.

admin.py routes to these from its model admins, which have already checked staff status and CSRF.
"""

from __future__ import annotations

import csv

from django.contrib.admin import ModelAdmin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers

from onboarding.content import render_markdown
from onboarding.funnel import funnel_of
from onboarding.funnel_chart import chart_of
from onboarding.models import Guide
from onboarding.views import HtmxHttpRequest

CSV_COLUMNS = [
    "step", "slug", "title", "published", "reached", "finished", "stuck", "in_progress",
    "median_seconds",
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
    return TemplateResponse(request, "admin/onboarding/guide/funnel.html", context)


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
            ]
        )
    return response


def _guide_for_funnel(request: HtmxHttpRequest, model_admin: ModelAdmin, object_id: str) -> Guide:
    guide = model_admin.get_object(request, unquote(object_id))
    if guide is None:
        raise Http404("No such guide.")
    # The funnel is made of journeys: it needs the right to see journeys, not only guides.
    if not (
        model_admin.has_view_permission(request, guide)
        and request.user.has_perm("onboarding.view_journey")
    ):
        raise PermissionDenied
    return guide


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (an editor's title could start with "=")."""
    return f"'{text}" if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def step_preview(request: HtmxHttpRequest, *, model_admin: ModelAdmin) -> HttpResponse:
    """The posted step rendered and sanitised as the site will show it; htmx gets the panel."""
    if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Preview of a step",
        "preview_title": request.POST.get("title", ""),
        "body_html": render_markdown(request.POST.get("body", "")),
        "troubleshooting_html": render_markdown(request.POST.get("troubleshooting", "")),
    }
    template = "admin/onboarding/step/preview.html"
    if request.htmx:
        template += "#preview"
    response = TemplateResponse(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
