"""A 400, from the headers alone, for requests no view here can read.

Django raises on some bodies only when something first reads `request.POST` (a charset other
than UTF-8, say), and its 400 and 500 handlers read the body again, through the CSRF check of
`requires_csrf_token`, to put a token on their page: the second error escapes them, and the
server answers with its bare 500, without security headers. This middleware refuses such
requests before anything reads the body, and renders its page without touching it, so no
handler ever sees them.

Refused: a Content-Length that is not a number, or over DATA_UPLOAD_MAX_MEMORY_SIZE; any
multipart body (no form here takes a file, and Django spools file parts to disk without a size
limit); a Content-Type naming a charset other than UTF-8; a query string or URL-encoded body that
is not valid UTF-8 (Django would swap the bad bytes for U+FFFD, or read the body as Latin-1, and
a form would save text the person never typed) or that holds more fields than
DATA_UPLOAD_MAX_NUMBER_FIELDS.

A charset is UTF-8 when Python's codec registry says so: "utf-8" in any case, quoted or not, and
its aliases "utf8", "utf_8", "u8" and "cp65001". Django itself accepts only the spelling
"utf-8" for a URL-encoded form, so an accepted alias is set on the request as "utf-8". Every other
name is refused, unknown ones (which Django ignores) included: a client that names a charset we
cannot honour gets told so, rather than its bytes read as something else.

Django parses the Content-Type while it builds the request, before any middleware runs, and two
kinds escape it from there as the server's bare 500: a header it cannot parse (BadRequest), and a
charset naming a codec that is no text encoding (rot13, base64, hex) when a query string is
present (setting the request's encoding decodes request.GET at once: LookupError). `wsgi_guard`,
around the WSGI application, hands such a request on without its Content-Type and with the reason,
and this middleware refuses it like any other.

A body sent with `Transfer-Encoding: chunked` has no Content-Length; Django reads none of it
under WSGI, so it needs no limit here.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import parse_qsl
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils.http import parse_header_parameters

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

# Why a request was refused: each reason has the message the 400 page shows.
BAD_CONTENT_TYPE = "bad_content_type"
BAD_LENGTH = "bad_length"
TOO_BIG = "too_big"
UPLOAD = "upload"
CHARSET = "charset"
UNDECODABLE_ADDRESS = "undecodable_address"
UNDECODABLE_FORM = "undecodable_form"
TOO_MANY_FIELDS = "too_many_fields"
CUT_OFF = "cut_off"

_TOO_MUCH = "That was more than this site accepts in one go. Go back, shorten it and try again."
MESSAGES: dict[str, str] = {
    BAD_CONTENT_TYPE: (
        "Your browser said it was sending something in a form this site cannot read. "
        "Reload the page and try again."
    ),
    BAD_LENGTH: (
        "Your browser said it was sending something of a size that is not a number. "
        "Reload the page and try again."
    ),
    TOO_BIG: _TOO_MUCH,
    UPLOAD: (
        "This site does not take file uploads. Go back, remove the file and send the form again."
    ),
    CHARSET: (
        "This site only accepts forms sent as UTF-8 text. Reload the page and send the form again."
    ),
    UNDECODABLE_ADDRESS: "The address held characters that could not be read.",
    UNDECODABLE_FORM: "The form held characters that could not be read.",
    TOO_MANY_FIELDS: _TOO_MUCH,
    CUT_OFF: (
        "The connection was cut off before the whole form arrived. Nothing was saved: "
        "send it again."
    ),
}

# Where wsgi_guard leaves the reason for a request Django could not have been handed as it came.
WSGI_REFUSAL = "onboarding.refusal"
# RFC 9110: Content-Length is one or more ASCII digits, nothing else (int() would take " +1_0").
_CONTENT_LENGTH = re.compile(r"[0-9]+")


def is_utf8(charset: str) -> bool:
    """Whether a charset name, as sent in a Content-Type, names UTF-8."""
    try:
        return codecs.lookup(charset).name == "utf-8"
    except (LookupError, ValueError):  # unknown, or a name holding a NUL
        return False


def _charset_refusal(content_params: Mapping[str, str]) -> str | None:
    """Why the parameters of a Content-Type are refused, or None."""
    charset = content_params.get("charset")
    if charset is not None and not is_utf8(charset):
        return CHARSET
    return None


def content_type_refusal(content_type: str) -> str | None:
    """Why a Content-Type header is refused (unparsable, or a charset but UTF-8), or None."""
    try:
        # Django's own parser, so that what passes here is what Django can take.
        _, content_params = parse_header_parameters(content_type)
    except ValueError:
        return BAD_CONTENT_TYPE
    return _charset_refusal(content_params)


def _header_refusal(request: HttpRequest) -> str | None:
    """Why the request is refused on its headers alone, or None."""
    if refusal := request.META.get(WSGI_REFUSAL):
        return refusal
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not _CONTENT_LENGTH.fullmatch(length):
        return BAD_LENGTH
    if request.content_type.startswith("multipart/"):
        return UPLOAD
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and int(length) > limit:
        return TOO_BIG
    return _charset_refusal(request.content_params)


def _urlencoded_refusal(raw: bytes, *, undecodable: str) -> str | None:
    """Why URL-encoded bytes (a query string or form body) are refused, or None."""
    try:
        parse_qsl(
            raw.decode(),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except UnicodeDecodeError:  # a subclass of ValueError: caught first
        return undecodable
    except ValueError:  # parse_qsl's only other error: more fields than allowed
        return TOO_MANY_FIELDS
    return None


def _content_refusal(request: HttpRequest) -> str | None:
    """Why the query string or URL-encoded body is refused, or None; reads the body once."""
    # WSGI hands the query string over as Latin-1 text of the bytes that were sent.
    query = request.META.get("QUERY_STRING", "").encode("latin-1", errors="replace")
    if refusal := _urlencoded_refusal(query, undecodable=UNDECODABLE_ADDRESS):
        return refusal
    if request.content_type != FORM_CONTENT_TYPE:
        return None
    try:
        # Kept on the request (request._body): the view's request.POST parses these same bytes.
        body = request.body
    except UnreadablePostError:
        return CUT_OFF
    except RequestDataTooBig:  # a seekable stream (ASGI) longer than it said
        return TOO_BIG
    return _urlencoded_refusal(body, undecodable=UNDECODABLE_FORM)


class RefuseMalformedRequests:
    """Answers 400 to a request no view here can read, before anything reads its body.

    Goes right after SecurityMiddleware, WhiteNoiseMiddleware and ContentSecurityPolicyMiddleware,
    so its page has their headers and a CSP nonce, and before everything else.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        self.frame_options = XFrameOptionsMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = _header_refusal(request) or _content_refusal(request)
        if refusal:
            return self.refusal_page(request, refusal)
        if "charset" in request.content_params:
            # An alias ("utf8") would make Django refuse the form when the view reads it.
            request.encoding = "utf-8"
        return self.get_response(request)

    def refusal_page(self, request: HttpRequest, reason: str) -> HttpResponse:
        """The 400 page for a refused request, rendered from its headers alone."""
        # Not requires_csrf_token: its check reads request.POST. The CSRF middleware's request
        # and response steps only read the cookie and set it, so the page's token (hx-headers on
        # <body>) matches the cookie the browser holds.
        if not settings.CSRF_USE_SESSIONS:  # the session is not loaded yet: no token then
            self.csrf.process_request(request)
        # A context value wins over the context processors' user and messages, which would load
        # the session (and the session middleware has not run yet).
        context = {"message": MESSAGES[reason], "user": AnonymousUser(), "messages": ()}
        response = render(request, "400.html", context, status=400)
        if not settings.CSRF_USE_SESSIONS:
            response = self.csrf.process_response(request, response)
        # XFrameOptionsMiddleware comes later in MIDDLEWARE, so it never sees this response.
        return self.frame_options.process_response(request, response)


def wsgi_guard(application: WSGIApplication) -> WSGIApplication:
    """The WSGI application, with requests whose Content-Type Django cannot take marked refused."""
    # Such a request goes on without its Content-Type and with the reason in the environ, so
    # RefuseMalformedRequests answers it like any other (its page, every security header).

    def guarded(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        refusal = content_type_refusal(environ.get("CONTENT_TYPE", ""))
        if refusal is not None:
            environ = {**environ, "CONTENT_TYPE": "", WSGI_REFUSAL: refusal}
        return application(environ, start_response)

    return guarded
