"""Malformed requests get a 400 page with every security header, before their body is read."""

from __future__ import annotations

import re
import sys
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.client import encode_multipart

from onboarding.journeys.models import StepProgress
from onboarding.web.request_guard import (
    BAD_CONTENT_TYPE,
    BAD_LENGTH,
    CHARSET,
    CUT_OFF,
    MESSAGES,
    TOO_BIG,
    TOO_MANY_FIELDS,
    UNDECODABLE_ADDRESS,
    UNDECODABLE_FORM,
    UPLOAD,
    RefuseMalformedRequests,
    content_type_refusal,
    wsgi_guard,
)
from tests.factories import make_user, management, valid_fields

GUARD = "onboarding.web.request_guard.RefuseMalformedRequests"
LOGIN = "/accounts/login/"
STEP = "/guides/alipay/about/"
FORM = "application/x-www-form-urlencoded"
CREDENTIALS = b"username=ana%40example.com&password=wrong-password"
# Not valid UTF-8, nor ASCII, nor UTF-16 (an odd number of bytes); rot13 and "" decode nothing.
UNREADABLE = b"username=\xe9&password=\xff\xfe\xfd"
# A csrf_client that has loaded a page holds a CSRF cookie: then the CSRF check reads the form.
CSRF_SECRET = "a" * 32


def test_the_guard_runs_right_after_the_content_security_policy(settings):
    """Early, so its 400 page gets the policy and a nonce, and before anything reads the body."""
    csp = settings.MIDDLEWARE.index("django.middleware.csp.ContentSecurityPolicyMiddleware")
    assert settings.MIDDLEWARE[csp + 1] == GUARD


@pytest.fixture
def csrf_client(settings):
    """A client that enforces CSRF checks and holds a CSRF cookie, as a csrf_client does."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return client


class NeverRead:
    """A WSGI input stream that fails the test if anything reads a byte from it."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, size: int = -1, /) -> bytes:
        if size == 0:
            return b""
        self.reads += 1
        raise AssertionError("the request body was read")

    readline = read


class CutOff:
    """A request body whose connection drops part-way, as a server reports it."""

    def read(self, *args) -> bytes:
        raise OSError("client disconnected")

    readline = read


def assert_refused(response, reason: str) -> None:
    """A 400 page with the reason's message and the headers every page carries."""
    assert response.status_code == 400
    assert response.context["message"] == MESSAGES[reason]
    assert MESSAGES[reason] in response.text
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


# --- Charsets (issue 14, finding 3) ------------------------------------------------------------


@pytest.mark.parametrize("path", [LOGIN, STEP])
@pytest.mark.parametrize(
    "charset", ["latin-1", "ascii", "utf-16", "rot13", "", "no-such-charset", '"iso-8859-1"']
)
@pytest.mark.parametrize("body", [CREDENTIALS, UNREADABLE], ids=["ascii-body", "unreadable-body"])
def test_a_form_in_a_charset_other_than_utf8_gets_a_400_without_its_body_read(
    csrf_client, path, charset, body
):
    stream = NeverRead()
    response = csrf_client.generic(
        "POST", path, body, content_type=f"{FORM}; charset={charset}", **{"wsgi.input": stream}
    )
    assert_refused(response, CHARSET)
    assert stream.reads == 0


@pytest.mark.parametrize(
    "content_type", ["text/plain; charset=latin-1", "application/json; charset=utf-16"]
)
def test_any_body_in_a_charset_other_than_utf8_gets_a_400(csrf_client, content_type):
    response = csrf_client.generic("POST", LOGIN, b"{}", content_type=content_type)
    assert_refused(response, CHARSET)


@pytest.mark.parametrize("path", [LOGIN, STEP])
@pytest.mark.parametrize("charset", ["utf8", "UTF-8"])
def test_a_form_said_to_be_utf8_that_is_not_gets_a_400(csrf_client, path, charset):
    # "utf8" is accepted as UTF-8 (Python's codecs say so), so its bytes are checked as such.
    response = csrf_client.generic(
        "POST", path, UNREADABLE, content_type=f"{FORM}; charset={charset}"
    )
    assert_refused(response, UNDECODABLE_FORM)


def test_a_get_naming_a_charset_other_than_utf8_gets_a_400(csrf_client):
    response = csrf_client.get(LOGIN, CONTENT_TYPE="text/plain; charset=latin-1")
    assert_refused(response, CHARSET)


@pytest.mark.parametrize(
    ("content_type", "reason"),
    [
        (FORM, None),
        (f"{FORM}; charset=utf-8", None),
        (f"{FORM}; charset=UTF8", None),
        ("text/plain; CHARSET=latin-1", CHARSET),
        (f"{FORM}; charset=rot13", CHARSET),
        (f"{FORM}; charset=utf-8-sig", CHARSET),
        (f'{FORM}; charset=""', CHARSET),
        (f"{FORM}; charset*=utf-8''latin-1", CHARSET),
        (f"{FORM}; title*=no-such-charset''x", BAD_CONTENT_TYPE),
        (f"{FORM}; x=" + "y" * 20_000, BAD_CONTENT_TYPE),
    ],
)
def test_content_types_are_judged_as_django_reads_them(content_type, reason):
    assert content_type_refusal(content_type) == reason


# --- What Django refuses before any middleware runs --------------------------------------------


def call_wsgi(application, **environ):
    """Call a WSGI application as a server would: the status, headers and body it answers."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    base = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": LOGIN,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": NeverRead(),
        "wsgi.errors": sys.stderr,
    }
    response = application({**base, **environ}, start_response)
    try:
        body = b"".join(response)
    finally:
        response.close()
    return answer["status"], answer["headers"], body


# django_db: a real WSGI handler checks the database connection at each request's start.
@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type",
    [
        # Django decodes the query string as rot13 while it builds the request: LookupError.
        f"{FORM}; charset=rot13",
        f"{FORM}; charset=base64",
        # Django cannot parse it: BadRequest while it builds the request.
        f"{FORM}; title*=no-such-charset''x",
    ],
)
def test_a_content_type_django_cannot_take_gets_the_400_page_through_the_wsgi_guard(
    content_type,
):
    stream = NeverRead()
    status, headers, body = call_wsgi(
        wsgi_guard(get_wsgi_application()),
        QUERY_STRING="next=/guides/alipay/",
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(len(CREDENTIALS)),
        **{"wsgi.input": stream},
    )
    assert status.startswith("400 ")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in headers
    assert b"Something was wrong with that request" in body
    assert stream.reads == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type",
    # A GET from a browser carries no Content-Type at all: no CONTENT_TYPE in the environ.
    [{"CONTENT_TYPE": "text/plain; charset=utf-8"}, {}],
    ids=["utf-8 text", "none"],
)
def test_the_wsgi_guard_hands_other_requests_on_unchanged(content_type):
    status, _, page = call_wsgi(
        wsgi_guard(get_wsgi_application()),
        REQUEST_METHOD="GET",
        QUERY_STRING="next=/guides/alipay/",
        **content_type,
    )
    assert status.startswith("200 ")
    assert b'name="next" value="/guides/alipay/"' in page


# --- Uploads (finding 4) -----------------------------------------------------------------------


@pytest.mark.parametrize("path", [LOGIN, STEP])
def test_a_multipart_post_with_a_file_gets_a_400_and_the_upload_is_never_read(csrf_client, path):
    boundary = "BoUnDaRyStRiNg"
    upload = SimpleUploadedFile("passport.jpg", b"\xff\xd8 not really a photo")
    body = encode_multipart(boundary, {"username": "ana@example.com", "scan": upload})
    stream = NeverRead()
    response = csrf_client.generic(
        "POST",
        path,
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
        **{"wsgi.input": stream},
    )
    assert_refused(response, UPLOAD)
    assert stream.reads == 0


def test_a_200_mb_upload_is_refused_as_an_upload_without_being_read(csrf_client):
    stream = NeverRead()
    response = csrf_client.generic(
        "POST",
        LOGIN,
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": stream},
    )
    assert_refused(response, UPLOAD)
    assert stream.reads == 0


def test_a_multipart_post_without_a_file_is_refused_too(csrf_client):
    body = encode_multipart("x", {"username": "ana@example.com", "password": "wrong"})
    response = csrf_client.generic(
        "POST", LOGIN, body, content_type="multipart/form-data; boundary=x"
    )
    assert_refused(response, UPLOAD)


# --- Content-Length ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LOGIN, STEP])
def test_a_body_over_256_kb_gets_a_400_without_being_read(csrf_client, path):
    stream = NeverRead()
    response = csrf_client.generic(
        "POST",
        path,
        CONTENT_TYPE=FORM,
        CONTENT_LENGTH="300000",
        **{"wsgi.input": stream},
    )
    assert_refused(response, TOO_BIG)
    assert stream.reads == 0


def test_one_byte_over_256_kb_is_refused(csrf_client):
    stream = NeverRead()
    response = csrf_client.generic(
        "POST", LOGIN, CONTENT_TYPE=FORM, CONTENT_LENGTH="262145", **{"wsgi.input": stream}
    )
    assert_refused(response, TOO_BIG)


@pytest.mark.django_db
def test_a_form_of_exactly_256_kb_is_read():
    body = CREDENTIALS + b"&note=" + b"a" * (262144 - len(CREDENTIALS) - 6)
    assert len(body) == 262144
    response = Client().generic("POST", LOGIN, body, content_type=FORM)
    assert response.status_code == 200
    assert response.wsgi_request.POST["username"] == "ana@example.com"


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "+12", "1_0", " 12", "12, 12", "١٢"])
def test_a_content_length_that_is_not_a_number_gets_a_400_without_the_body_read(
    csrf_client, length
):
    stream = NeverRead()
    response = csrf_client.generic(
        "POST", LOGIN, CONTENT_TYPE=FORM, CONTENT_LENGTH=length, **{"wsgi.input": stream}
    )
    assert_refused(response, BAD_LENGTH)
    assert stream.reads == 0


# --- Query strings and form bodies that are not UTF-8 ------------------------------------------


@pytest.mark.parametrize("query", ["next=%FF", "next=\xff", "%C3=1"])
def test_a_query_string_that_is_not_utf8_gets_a_400(csrf_client, query):
    response = csrf_client.get(LOGIN, QUERY_STRING=query)
    assert_refused(response, UNDECODABLE_ADDRESS)


@pytest.mark.parametrize("path", [LOGIN, STEP])
@pytest.mark.parametrize("body", [b"username=%FF&password=x", b"username=\xff&password=x"])
def test_a_form_that_is_not_utf8_gets_a_400(csrf_client, path, body):
    response = csrf_client.generic("POST", path, body, content_type=FORM)
    assert_refused(response, UNDECODABLE_FORM)


def test_a_form_with_more_fields_than_allowed_gets_a_400(csrf_client):
    # Django allows 1000 fields; it would raise when the CSRF check reads the form.
    body = "&".join(f"f{number}=x" for number in range(1001)).encode()
    response = csrf_client.generic("POST", LOGIN, body, content_type=FORM)
    assert_refused(response, TOO_MANY_FIELDS)


def test_a_query_string_with_more_fields_than_allowed_gets_a_400(csrf_client):
    response = csrf_client.get(LOGIN, QUERY_STRING="&".join(["f=x"] * 1001))
    assert_refused(response, TOO_MANY_FIELDS)


def test_a_form_cut_off_mid_body_gets_a_400():
    response = Client().generic(
        "POST", LOGIN, CREDENTIALS, content_type=FORM, **{"wsgi.input": CutOff()}
    )
    assert_refused(response, CUT_OFF)


# --- The 400 page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_400_page_reads_neither_the_session_nor_the_database(
    csrf_client, django_assert_num_queries
):
    csrf_client.force_login(make_user())
    with django_assert_num_queries(0):
        response = csrf_client.generic(
            "POST", LOGIN, CREDENTIALS, content_type=f"{FORM}; charset=latin-1"
        )
    assert_refused(response, CHARSET)
    # The page does not know who is logged in: it never loaded the session.
    assert "ana@example.com" not in response.text
    assert 'href="/accounts/login/"' in response.text


@pytest.mark.django_db
def test_the_400_page_carries_a_csrf_token_that_works(settings):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    refused = client.generic("POST", LOGIN, CREDENTIALS, content_type=f"{FORM}; charset=latin-1")
    token = re.search(r'"X-CSRFToken": "([^"]+)"', refused.text)[1]
    body = CREDENTIALS + b"&csrfmiddlewaretoken=" + token.encode()
    response = client.generic("POST", LOGIN, body, content_type=FORM)
    assert response.status_code == 200  # the login form, saying the password is wrong


@pytest.mark.django_db
def test_the_400_page_keeps_the_csrf_secret_the_browser_has(settings):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    refused = client.generic("POST", LOGIN, CREDENTIALS, content_type=f"{FORM}; charset=latin-1")
    # Django sends the cookie again when a page uses its token (to renew it): the same secret.
    assert refused.cookies[settings.CSRF_COOKIE_NAME].value == CSRF_SECRET


@pytest.mark.django_db
def test_the_400_page_gives_a_browser_without_a_csrf_cookie_one(settings):
    client = Client(enforce_csrf_checks=True)
    refused = client.generic("POST", LOGIN, CREDENTIALS, content_type=f"{FORM}; charset=latin-1")
    assert refused.cookies[settings.CSRF_COOKIE_NAME].value


def test_the_middleware_answers_without_calling_the_view_or_reading_the_body():
    def view(request):
        raise AssertionError("the view was called")

    stream = NeverRead()
    request = RequestFactory().generic(
        "POST",
        LOGIN,
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH="1000",
        **{"wsgi.input": stream},
    )
    response = RefuseMalformedRequests(view)(request)
    assert response.status_code == 400
    assert MESSAGES[UPLOAD] in response.text
    assert stream.reads == 0


def test_each_reason_has_a_plain_message():
    assert set(MESSAGES) == {
        BAD_CONTENT_TYPE,
        BAD_LENGTH,
        TOO_BIG,
        UPLOAD,
        CHARSET,
        UNDECODABLE_ADDRESS,
        UNDECODABLE_FORM,
        TOO_MANY_FIELDS,
        CUT_OFF,
    }
    assert MESSAGES[CHARSET] == (
        "This site only accepts forms sent as UTF-8 text. Reload the page and send the form again."
    )
    assert MESSAGES[UPLOAD].startswith("This site does not take file uploads.")
    assert MESSAGES[TOO_BIG].startswith("That was more than this site accepts in one go")


# --- What passes through -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type",
    [
        FORM,
        f"{FORM}; charset=utf-8",
        f"{FORM}; charset=UTF-8",
        f'{FORM}; charset="utf-8"',
        f"{FORM}; charset=utf8",
        f"{FORM}; charset=UTF_8",
    ],
)
def test_a_utf8_login_form_passes_through_unchanged(content_type):
    body = b"username=an%C3%A1%40example.com&password=wrong-password"
    response = Client().generic("POST", LOGIN, body, content_type=content_type)
    assert response.status_code == 200
    assert response.wsgi_request.POST.dict() == {
        "username": "aná@example.com",
        "password": "wrong-password",
    }


@pytest.mark.parametrize("charset", ["utf-8", "utf8"])
def test_a_utf8_step_form_is_saved(client, steps, charset):
    step = steps["about"]
    body = urlencode({**management(step.slug), **valid_fields(step)})
    response = client.generic(
        "POST", step.get_absolute_url(), body, content_type=f"{FORM}; charset={charset}"
    )
    assert response.status_code == 302
    assert StepProgress.objects.filter(step=step).exists()


@pytest.mark.django_db
def test_a_utf8_query_string_passes_through(client):
    response = client.get(LOGIN, {"next": "/guides/alipay/", "q": "支付宝"})
    assert response.status_code == 200
    assert response.wsgi_request.GET["q"] == "支付宝"


def test_a_get_without_a_body_passes_through_untouched():
    request = RequestFactory().get("/", CONTENT_LENGTH="")
    response = RefuseMalformedRequests(lambda request: HttpResponse("reached"))(request)
    assert response.content == b"reached"
