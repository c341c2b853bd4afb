"""Pages around the wizard: landing, task list, the sidebar partial, robots.txt and healthz."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from onboarding.models import Guide
from onboarding.progress import Owner, guide_and_journey, progress_of
from onboarding.share_views import share_panel_context


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
@never_cache
def landing(request: HtmxHttpRequest) -> HttpResponse:
    """The front page: what each published guide is for, what you need, and Start or Continue."""
    guides = []
    for guide in Guide.objects.filter(published=True).order_by("title"):
        _, journey = guide_and_journey(guide_slug=guide.slug, owner=Owner.of(request))
        guides.append(progress_of(guide=guide, journey=journey))
    return render(request, "onboarding/landing.html", {"guides": guides})


@require_GET
@never_cache
def task_list(request: HtmxHttpRequest, guide: str) -> HttpResponse:
    """The guide overview: every step with its status, "N of M done", Continue, and sharing."""
    guide_row, journey = guide_and_journey(guide_slug=guide, owner=Owner.of(request))
    progress = progress_of(guide=guide_row, journey=journey)
    context = {"progress": progress, "guide": progress.guide}
    context.update(share_panel_context(guide=progress.guide, journey=journey))
    return render(request, "onboarding/task_list.html", context)


@require_GET
@never_cache
@vary_on_headers("HX-Request", "HX-Current-URL")
def sidebar(request: HtmxHttpRequest, guide: str) -> HttpResponse:
    """The progress sidebar alone, for htmx to refresh it after a save."""
    guide_row, journey = guide_and_journey(guide_slug=guide, owner=Owner.of(request))
    progress = progress_of(guide=guide_row, journey=journey)
    current = request.GET.get("step") or _step_in_url(request, guide)
    return render(
        request,
        "onboarding/step.html#progress-sidebar",
        {"progress": progress, "guide": progress.guide, "state": progress.state(current or "")},
    )


def _step_in_url(request: HtmxHttpRequest, guide: str) -> str | None:
    """The step slug of the page htmx is on (its HX-Current-URL), if it is a step of this guide."""
    current_url = request.htmx.current_url if request.htmx else None
    if not current_url:
        return None
    try:
        match = resolve(urlsplit(current_url).path)
    except (Resolver404, ValueError):  # a header is whatever the client sends, e.g. "http://["
        return None
    if match.url_name == "step" and match.kwargs.get("guide") == guide:
        return match.kwargs["step"]
    return None


@require_GET
def healthz(request: HtmxHttpRequest) -> HttpResponse:
    """A bare 200 for load balancers; touches no database (and is the benchmark's baseline)."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HtmxHttpRequest) -> HttpResponse:
    """Keep personal and shared pages out of search engines."""
    lines = ["User-agent: *", "Disallow: /share/", "Disallow: /account/", "Disallow: /admin/"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def favicon(request: HtmxHttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; point them at the real icon."""
    return HttpResponseRedirect(static("favicon.svg"))
