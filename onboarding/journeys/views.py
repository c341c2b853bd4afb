"""Pages around the wizard: the landing page, a guide's task list and glossary, the sidebar."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from onboarding.guides.selectors import guide_structure, published_guide, published_guides
from onboarding.journeys.selectors import Owner, owner_progress
from onboarding.sharing.views import share_panel_context
from onboarding.web.http import HtmxHttpRequest, step_in_current_url


@require_safe
@never_cache
def landing(request: HtmxHttpRequest) -> HttpResponse:
    """The front page: what each published guide is for, and Start or Continue."""
    owner = Owner.of(request)
    guides = []
    for guide in published_guides():
        guides.append(owner_progress(guide_slug=guide.slug, owner=owner))
    return render(request, "journeys/landing.html", {"guides": guides})


@require_safe
@never_cache
def task_list(request: HtmxHttpRequest, guide: str) -> HttpResponse:
    """The guide overview: every step with its status, "N of M done", Continue, and sharing."""
    progress = owner_progress(guide_slug=guide, owner=Owner.of(request))
    context = {"progress": progress, "guide": progress.guide}
    context.update(share_panel_context(guide=progress.guide, journey=progress.journey))
    return render(request, "journeys/task_list.html", context)


@require_safe
@never_cache
@vary_on_headers("HX-Request", "HX-Current-URL")
def sidebar(request: HtmxHttpRequest, guide: str) -> HttpResponse:
    """The progress sidebar alone, for htmx to refresh it after a save."""
    progress = owner_progress(guide_slug=guide, owner=Owner.of(request))
    current = request.GET.get("step") or step_in_current_url(request, guide=guide) or ""
    return render(
        request,
        "journeys/step.html#progress-sidebar",
        {"progress": progress, "guide": progress.guide, "state": progress.state(current)},
    )


@require_safe
def glossary(request: HtmxHttpRequest, guide: str) -> HttpResponse:
    """Every Chinese word of a guide, with its pinyin, meaning and the steps it appears on."""
    guide_row = published_guide(slug=guide)
    if guide_row is None:
        raise Http404("No such guide.")
    structure = guide_structure(guide=guide_row)
    return render(request, "guides/glossary.html", {"guide": structure})
