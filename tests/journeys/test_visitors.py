"""The visitor cookie: a random key, signed, kept 90 days after the last form sent."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory

from onboarding.journeys import visitors
from onboarding.journeys.visitors import VisitorMiddleware

NINETY_DAYS = 90 * 24 * 3600


@pytest.fixture(autouse=True)
def _https(settings):
    settings.SESSION_COOKIE_SECURE = True


def through(request, view=lambda request: HttpResponse("ok")):
    return VisitorMiddleware(view)(request)


def signed_at(key, when, monkeypatch):
    monkeypatch.setattr(signing.time, "time", lambda: when)
    value = visitors.cookie_value(key)
    monkeypatch.undo()
    return value


def request_with_cookie(value, method="get"):
    request = getattr(RequestFactory(), method)("/")
    request.COOKIES[visitors.cookie_name()] = value
    return request


def test_the_cookie_is_a_host_cookie_over_https_and_plain_over_http(settings):
    assert visitors.cookie_name() == "__Host-visitor"
    settings.SESSION_COOKIE_SECURE = False
    assert visitors.cookie_name() == "visitor"


def test_a_signed_cookie_carries_its_key_back():
    assert visitors.key_in_cookie(visitors.cookie_value("my-key")) == "my-key"


def test_a_forged_cookie_carries_no_key():
    value = visitors.cookie_value("my-key")
    forged = "victims-key" + value[len("my-key") :]
    assert visitors.key_in_cookie(forged) is None
    assert visitors.key_in_cookie("victims-key") is None


def test_a_cookie_signed_with_another_salt_carries_no_key():
    response = HttpResponse()
    response.set_signed_cookie(visitors.cookie_name(), "my-key", salt="another")
    value = response.cookies[visitors.cookie_name()].value
    assert visitors.key_in_cookie(value) is None


def test_the_middleware_reads_the_key_of_a_signed_cookie():
    request = request_with_cookie(visitors.cookie_value("my-key"))
    through(request)
    assert visitors.visitor_key(request) == "my-key"


def test_the_middleware_refuses_a_forged_cookie():
    value = visitors.cookie_value("my-key")
    request = request_with_cookie("victims-key" + value[len("my-key") :])
    through(request)
    assert visitors.visitor_key(request) is None


def test_a_cookie_signed_just_under_90_days_ago_is_still_read(monkeypatch):
    value = signed_at("my-key", time.time() - NINETY_DAYS + 60, monkeypatch)
    request = request_with_cookie(value)
    through(request)
    assert request.visitor_key == "my-key"


def test_a_cookie_signed_over_90_days_ago_is_refused(monkeypatch):
    value = signed_at("my-key", time.time() - NINETY_DAYS - 60, monkeypatch)
    request = request_with_cookie(value)
    through(request)
    assert request.visitor_key is None


def test_without_a_cookie_there_is_no_key():
    request = RequestFactory().get("/")
    response = through(request)
    assert request.visitor_key is None
    assert visitors.cookie_name() not in response.cookies


def test_a_request_the_middleware_has_not_seen_has_no_key():
    assert visitors.visitor_key(RequestFactory().get("/")) is None


def test_a_new_key_is_random_and_sent_as_a_signed_cookie_for_90_days():
    def view(request):
        visitors.remember(request)
        return HttpResponse()

    request = RequestFactory().get("/")
    response = through(request, view)
    key = request.visitor_key
    assert len(key) == 32
    cookie = response.cookies["__Host-visitor"]
    assert visitors.key_in_cookie(cookie.value) == key
    assert cookie["max-age"] == NINETY_DAYS
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_remember_gives_each_browser_its_own_key():
    first, second = RequestFactory().get("/"), RequestFactory().get("/")
    assert visitors.remember(first) != visitors.remember(second)
    assert visitors.visitor_key(first) == first.visitor_key


def test_over_plain_http_the_cookie_is_not_marked_secure(settings):
    settings.SESSION_COOKIE_SECURE = False

    def view(request):
        visitors.remember(request)
        return HttpResponse()

    cookie = through(RequestFactory().get("/"), view).cookies["visitor"]
    assert cookie["secure"] == ""


def test_sending_a_form_renews_the_cookie_for_another_90_days():
    request = request_with_cookie(visitors.cookie_value("my-key"), method="post")
    cookie = through(request).cookies["__Host-visitor"]
    assert visitors.key_in_cookie(cookie.value) == "my-key"
    assert cookie["max-age"] == NINETY_DAYS


def test_reading_a_page_does_not_renew_the_cookie():
    request = request_with_cookie(visitors.cookie_value("my-key"))
    assert "__Host-visitor" not in through(request).cookies


def test_forgetting_the_key_deletes_the_cookie():
    def view(request):
        visitors.forget(request)
        return HttpResponse()

    request = request_with_cookie(visitors.cookie_value("my-key"), method="post")
    cookie = through(request, view).cookies["__Host-visitor"]
    assert request.visitor_key is None
    assert cookie.value == ""
    assert cookie["max-age"] == 0
    assert cookie["samesite"] == "Lax"
