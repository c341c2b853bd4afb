"""Sharing progress: the read-only share page, and creating and revoking share links.

Creating answers the POST with the new link at once (no redirect): the token exists only in that
response, so it is never kept anywhere, not even in the session, to survive a redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from onboarding.guides.models import Guide
from onboarding.guides.selectors import GuideStructure, guide_structure
from onboarding.journeys.models import Journey
from onboarding.journeys.selectors import Owner, guide_and_journey, progress_for
from onboarding.sharing.forms import ShareLinkForm
from onboarding.sharing.qr import qr_svg
from onboarding.sharing.selectors import find_share_link, share_links_of
from onboarding.sharing.services import SHARE_MISSES, create_share_link, revoke_share_link
from onboarding.web.http import HtmxHttpRequest, client_address

PANEL = "sharing/share_links.html#share-panel"
PAGE = "sharing/share_links.html"

# Sent with every answer of /share/...: found, not found or refused alike.
SHARE_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}


def share_panel_context(*, guide: GuideStructure, journey: Journey | None) -> dict[str, Any]:
    """What the share panel partial needs, for any page that includes it."""
    return {
        "share_guide": guide,
        "share_journey": journey,
        "share_links": share_links_of(journey=journey),
        # Unique ids per guide, so a page may hold the panels of several guides.
        "share_form": ShareLinkForm(auto_id=f"share-{guide.slug}-%s"),
    }


def _share_page(request: HtmxHttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    response = render(request, "sharing/share.html", context, status=status)
    for header, value in SHARE_PAGE_HEADERS.items():
        response[header] = value
    return response


@require_safe
def share_page(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """A helper's read-only view of someone's progress: statuses and dates, nothing personal."""
    client = client_address(request)
    if SHARE_MISSES.exceeded(client):
        response = _share_page(request, {"too_many_tries": True}, status=429)
        response["Retry-After"] = str(SHARE_MISSES.window_seconds)
        return response
    link = find_share_link(token=token)
    if link is None:
        SHARE_MISSES.hit(client)
        # The same render for unknown, expired and revoked tokens: nothing tells them apart.
        return _share_page(request, {}, status=404)
    progress = progress_for(guide=link.journey.guide, journey=link.journey)
    return _share_page(request, {"progress": progress, "guide": progress.guide}, status=200)


def _return_to(request: HtmxHttpRequest, fallback: str) -> str:
    """The personal page the share controls were on, if it is a path on this site."""
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else fallback


def _render_panel(
    request: HtmxHttpRequest, *, guide: Guide, journey: Journey | None, **extra: Any
) -> HttpResponse:
    """The share panel alone for htmx, or a page around it for a plain form post."""
    structure = guide_structure(guide=guide)
    context = share_panel_context(guide=structure, journey=journey)
    context["share_return_to"] = _return_to(request, fallback=guide.get_absolute_url())
    context.update(extra)
    return render(request, PANEL if request.htmx else PAGE, context)


@require_POST
@never_cache
@vary_on_headers("HX-Request")
def share_create(request: HtmxHttpRequest, guide: str) -> HttpResponse:
    """Create a share link and show it once, with a QR code; htmx gets the panel alone."""
    guide_row, journey = guide_and_journey(guide_slug=guide, owner=Owner.of(request))
    form = ShareLinkForm(request.POST, auto_id=f"share-{guide}-%s")
    if journey is None:
        # The panel explains that there is nothing to share before the first saved step.
        return _render_panel(request, guide=guide_row, journey=None)
    if not form.is_valid():
        return _render_panel(request, guide=guide_row, journey=journey, share_form=form)
    link, token = create_share_link(journey=journey, lifetime=form.cleaned_data["lifetime"])
    url = request.build_absolute_uri(reverse("sharing:page", kwargs={"token": token}))
    created = {"link": link, "url": url, "qr": qr_svg(url)}
    return _render_panel(request, guide=guide_row, journey=journey, share_created=created)


@require_POST
@never_cache
@vary_on_headers("HX-Request")
def share_revoke(request: HtmxHttpRequest, link: int) -> HttpResponse:
    """Revoke one of your own links (404 for anyone else's); revoking twice does no harm."""
    journey = revoke_share_link(owner=Owner.of(request), link_id=link).journey
    messages.success(request, "The link is revoked: it no longer opens anything.")
    if request.htmx:
        return _render_panel(request, guide=journey.guide, journey=journey)
    return redirect(_return_to(request, fallback=journey.guide.get_absolute_url()))
