"""Faults no request can avoid, answered with a clear page instead of a 500 traceback.

A connection that drops mid-upload gets a 400: nothing was saved, the form can be sent again.

While PostgreSQL restarts or fails over, every query raises OperationalError or InterfaceError.
The request could not be served, but nothing is wrong with it: the person should try again in a
moment, and their saves are idempotent, so a retry is safe. Django closes the broken connection at
the end of the request (and health-checks reused ones), so the site recovers by itself.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from onboarding.errors import bad_request

DATABASE_FAULTS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5

logger = logging.getLogger(__name__)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page, rendered without touching the database (no user, session or messages)."""
    # A context value wins over the context processors' lazy user and messages, which would
    # load the session from the database that just failed.
    context = {"user": AnonymousUser(), "messages": ()}
    response = render(request, "503.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def fault_response(request: HttpRequest, exception: BaseException | None) -> HttpResponse | None:
    """The page for a fault no request can avoid, or None for any other exception."""
    if isinstance(exception, UnreadablePostError):
        return bad_request(request, exception)
    if isinstance(exception, DATABASE_FAULTS):
        logger.warning("Database unavailable for %s: %s", request.path, exception)
        return database_unavailable(request)
    return None


class FaultMiddleware:
    """Answers a fault raised by a view: a 503 for the database, a 400 for a cut-off upload."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return fault_response(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the same answers for a fault outside a view (a middleware reading the body,
    saving the session); anything else is a real 500."""
    # Django calls this inside its `except` block, so the exception being handled is at hand.
    return fault_response(request, sys.exception()) or defaults.server_error(request)
