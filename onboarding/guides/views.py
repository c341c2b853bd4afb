"""The editors' step preview: posted Markdown rendered and sanitised as the site will show it."""

from __future__ import annotations

from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers

from onboarding.guides.markdown import render_markdown
from onboarding.web.http import HtmxHttpRequest


def step_preview(request: HtmxHttpRequest, *, model_admin: ModelAdmin) -> HttpResponse:
    """The posted step rendered as the site will show it; htmx gets the panel alone.

    The step admin routes here, behind the admin's own staff and CSRF checks.
    """
    if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Preview of a step",
        "preview_title": request.POST.get("title", ""),
        "body_html": render_markdown(request.POST.get("body", "")),
    }
    template = "admin/guides/step/preview.html"
    if request.htmx:
        template += "#preview"
    response = TemplateResponse(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
