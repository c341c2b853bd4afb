"""Error pages that say in plain words what went wrong and what to do next."""

from __future__ import annotations

from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

from onboarding.middleware import UndecodableInput

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


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page (handler400): what was wrong with the request, when we can tell."""
    if isinstance(exception, UndecodableInput):
        message = str(exception)
    else:
        message = next(
            (text for kind, text in _MESSAGES.items() if isinstance(exception, kind)), None
        )
    return render(request, "400.html", {"message": message}, status=400)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The 403 page for a form whose security token is missing or stale: reload and retry."""
    return render(request, "403_csrf.html", status=403)
