"""Middleware that answers faults no request can avoid (the database down, an upload cut off)
with their error pages; request_guard.py refuses malformed requests before anything reads them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from onboarding.web.errors import fault_response


class FaultMiddleware:
    """Answers a fault raised by a view: a 503 for the database, a 400 for a cut-off upload."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return fault_response(request, exception)
