"""Middleware every request passes: refuse input Django would accept mangled, and answer faults
no request can avoid (the database down, an upload cut off) with their error pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

from onboarding.web.errors import RefusedInput, fault_response

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class UndecodableInput(RefusedInput, BadRequest):
    """A query string or form that is not valid UTF-8."""


def _is_utf8_form(raw: bytes) -> bool:
    """Whether URL-encoded bytes, once their %-escapes are decoded, are valid UTF-8."""
    try:
        parse_qsl(raw.decode(), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return False
    return True


class RefuseUndecodableInput:
    """A 400 for a query string or URL-encoded form body that is not valid UTF-8.

    Django would replace the bad bytes with U+FFFD (or read the whole body as Latin-1), so a
    form would save text the person never typed. Multipart bodies are left to Django: no form
    here sends one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # WSGI hands the query string over as Latin-1 text of the bytes that were sent.
        query = request.META.get("QUERY_STRING", "").encode("latin-1", errors="replace")
        if not _is_utf8_form(query):
            raise UndecodableInput("The address held characters that could not be read.")
        if request.content_type == FORM_CONTENT_TYPE and not _is_utf8_form(request.body):
            raise UndecodableInput("The form held characters that could not be read.")
        return self.get_response(request)


class FaultMiddleware:
    """Answers a fault raised by a view: a 503 for the database, a 400 for a cut-off upload."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return fault_response(request, exception)
