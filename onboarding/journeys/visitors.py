"""Visitors without an account are known by a random key in a signed cookie of their own.

Not in the session: loading a session costs a database query on every page, and a visitor who
has never pressed Back has nothing else to keep in one. The key names the visitor's journeys
(Journey.visitor_key); it survives login's session rotation, and at login the account claims
its journeys and the cookie is dropped.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SALT = "onboarding.visitor"
# How long a visitor's progress stays theirs after their last save (the cookie is renewed on
# every form they send); older signatures are refused by the server, whatever the browser keeps.
AGE_SECONDS = 90 * 24 * 3600
_NEW = "_visitor_key_new"
_FORGET = "_visitor_key_forget"


def cookie_name() -> str:
    """__Host- when cookies are HTTPS-only: then no other host or path can set it."""
    return "__Host-visitor" if settings.SESSION_COOKIE_SECURE else "visitor"


def cookie_value(key: str) -> str:
    """The signed cookie value that carries a visitor key (for tests and the load scripts)."""
    response = HttpResponse()
    response.set_signed_cookie(cookie_name(), key, salt=SALT)
    return response.cookies[cookie_name()].value


def key_in_cookie(value: str) -> str | None:
    """The visitor key a cookie value carries, or None if it is not one we signed."""
    request = HttpRequest()
    request.COOKIES[cookie_name()] = value
    return request.get_signed_cookie(cookie_name(), default=None, salt=SALT)


def visitor_key(request: HttpRequest) -> str | None:
    """The visitor's key, if this browser has one."""
    return getattr(request, "visitor_key", None)


def remember(request: HttpRequest) -> str:
    """Give this browser a visitor key (sent as a cookie with the response) and return it."""
    key = secrets.token_urlsafe(24)
    request.visitor_key = key
    setattr(request, _NEW, key)
    return key


def forget(request: HttpRequest) -> None:
    """Drop the visitor key: its journeys now belong to an account."""
    request.visitor_key = None
    setattr(request, _FORGET, True)


class VisitorMiddleware:
    """Reads the visitor cookie into request.visitor_key, and sets or deletes it as asked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # max_age: a cookie signed more than AGE_SECONDS ago is refused, whatever date the
        # browser was told to keep it until.
        request.visitor_key = request.get_signed_cookie(
            cookie_name(), default=None, salt=SALT, max_age=AGE_SECONDS
        )
        response = self.get_response(request)
        if getattr(request, _FORGET, False):
            response.delete_cookie(cookie_name(), samesite="Lax")
        elif key := getattr(request, _NEW, None) or _renewed(request):
            response.set_signed_cookie(
                cookie_name(),
                key,
                salt=SALT,
                max_age=AGE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _renewed(request: HttpRequest) -> str | None:
    """A visitor who sends a form keeps their key for another AGE_SECONDS."""
    return request.visitor_key if request.method == "POST" else None
