"""Pages of the site itself: about and privacy, robots.txt, the favicon and the health check."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from onboarding.web.http import HtmxHttpRequest


@require_safe
def about(request: HtmxHttpRequest) -> HttpResponse:
    """Who runs the portal (not Alipay), what it keeps and for how long, and how to reach us."""
    return render(request, "web/about.html")


@require_safe
def healthz(request: HtmxHttpRequest) -> HttpResponse:
    """A bare 200 for load balancers; touches no database (and is the benchmark's baseline)."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request: HtmxHttpRequest) -> HttpResponse:
    """Keep personal and shared pages out of search engines."""
    lines = ["User-agent: *", "Disallow: /share/", "Disallow: /account/", "Disallow: /admin/"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
def favicon(request: HtmxHttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; point them at the real icon."""
    return HttpResponseRedirect(static("favicon.svg"))
