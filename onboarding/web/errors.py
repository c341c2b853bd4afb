"""Every error page, in plain words: what went wrong and what to do next.

400 (bad request), 403 (a form whose security token is stale), 404, 500 and the 503 shown while
the database is unreachable. A database fault is not the request's fault: the person should try
again in a moment, and saves are idempotent, so a retry is safe. Django closes the broken
connection at the end of the request (and health-checks reused ones), so the site recovers by
itself. A connection that drops mid-upload gets a 400: nothing was saved, send it again.
"""

from __future__ import annotations

import logging
import sys

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

DATABASE_FAULTS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
_TOO_MUCH = "That was more than this site accepts in one go. Go back, shorten it and try again."
# Only messages written here are shown: an exception's own text may echo what was sent.
_MESSAGES: dict[type[Exception], str] = {
    DisallowedHost: "This site is not served at the address your browser asked for.",
    RequestDataTooBig: _TOO_MUCH,
    TooManyFieldsSent: _TOO_MUCH,
    UnreadablePostError: (
        "The connection was cut off before the whole form arrived. Nothing was saved: "
        "send it again."
    ),
}

logger = logging.getLogger(__name__)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page (handler400): what was wrong with the request, when we can tell."""
    message = next((text for kind, text in _MESSAGES.items() if isinstance(exception, kind)), None)
    return render(request, "400.html", {"message": message}, status=400)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The 403 page for a form whose security token is missing or stale: reload and retry."""
    return render(request, "403_csrf.html", status=403)


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


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the same answers for a fault outside a view (a middleware reading the body,
    saving the session); anything else is a real 500."""
    # Django calls this inside its `except` block, so the exception being handled is at hand.
    return fault_response(request, sys.exception()) or defaults.server_error(request)
