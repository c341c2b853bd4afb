"""The request guard's refusal of input that is not UTF-8, and FaultMiddleware, called directly as
Django calls them."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.http import HttpResponse, UnreadablePostError
from django.test import RequestFactory

from onboarding.web.middleware import FaultMiddleware
from onboarding.web.request_guard import RefuseMalformedRequests

FORM = "application/x-www-form-urlencoded"


def passed(request):
    return HttpResponse("the view ran")


def guard(request):
    return RefuseMalformedRequests(passed)(request)


def assert_refused(response, message: str = "could not be read") -> None:
    assert response.status_code == 400
    assert message in response.text
    assert "the view ran" not in response.text


def test_a_plain_query_string_reaches_the_view():
    response = guard(RequestFactory().get("/guides/", {"q": "支付宝", "blank": ""}))
    assert response.content == b"the view ran"


def test_an_escaped_byte_that_is_not_utf8_in_the_address_is_refused():
    assert_refused(guard(RequestFactory().get("/guides/?q=%FF")), "The address held characters")


def test_a_raw_byte_that_is_not_utf8_in_the_address_is_refused():
    request = RequestFactory().get("/guides/")
    request.META["QUERY_STRING"] = "q=\xff"  # WSGI's Latin-1 text of the byte 0xFF
    assert_refused(guard(request))


def test_a_bad_byte_in_a_blank_field_name_is_refused_too():
    assert_refused(guard(RequestFactory().get("/guides/?%FF=")))


def test_a_query_string_text_beyond_latin1_is_read_not_crashed_on():
    request = RequestFactory().get("/guides/")
    request.META["QUERY_STRING"] = "q=€"  # no WSGI server sends it; replaced, then valid
    assert guard(request).content == b"the view ran"


def test_a_request_without_a_query_string_reaches_the_view():
    request = RequestFactory().get("/guides/")
    del request.META["QUERY_STRING"]
    assert guard(request).content == b"the view ran"


def test_a_utf8_form_reaches_the_view():
    request = RequestFactory().post("/guides/", data="name=%E6%94%AF&x=", content_type=FORM)
    assert guard(request).content == b"the view ran"


def test_a_form_body_that_is_not_utf8_is_refused():
    request = RequestFactory().post("/guides/", data=b"name=%FF", content_type=FORM)
    assert_refused(guard(request), "The form held characters")


def test_a_body_that_is_not_a_form_is_left_to_django():
    request = RequestFactory().post("/guides/", data=b"\xff\xfe", content_type="text/plain")
    assert guard(request).content == b"the view ran"


def test_the_fault_middleware_passes_the_response_through():
    request = RequestFactory().get("/")
    assert FaultMiddleware(passed)(request).content == b"the view ran"


@pytest.mark.django_db
def test_a_database_fault_in_a_view_becomes_the_503_page():
    request = RequestFactory().get("/guides/")
    response = FaultMiddleware(passed).process_exception(request, OperationalError("gone"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_a_cut_off_upload_becomes_a_400_page():
    request = RequestFactory().post("/guides/")
    response = FaultMiddleware(passed).process_exception(request, UnreadablePostError("cut"))
    assert response.status_code == 400


def test_any_other_exception_is_left_to_django():
    request = RequestFactory().get("/")
    assert FaultMiddleware(passed).process_exception(request, ValueError("bug")) is None
