"""What views share about a request: its type with htmx, the client's address, the htmx page."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def client_address(request: HttpRequest) -> str:
    """The client's address: from the trusted proxy's header when one is configured."""
    if settings.CLIENT_ADDRESS_HEADER:
        header = "HTTP_" + settings.CLIENT_ADDRESS_HEADER.upper().replace("-", "_")
        # A proxy appends to X-Forwarded-For; the last entry is the one it saw itself.
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def step_in_current_url(request: HtmxHttpRequest, *, guide: str) -> str | None:
    """The step slug of the page htmx is on (its HX-Current-URL), if it is a step of this guide."""
    current_url = request.htmx.current_url if request.htmx else None
    if not current_url:
        return None
    try:
        match = resolve(urlsplit(current_url).path)
    except (Resolver404, ValueError):  # a header is whatever the client sends, e.g. "http://["
        return None
    if match.view_name == "journeys:step" and match.kwargs.get("guide") == guide:
        return match.kwargs["step"]
    return None
