"""Which address a request comes from: REMOTE_ADDR, or the trusted proxy's header when set."""

from __future__ import annotations

from django.test import RequestFactory

from onboarding.web.http import client_address


def request_with(**meta):
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_header_the_address_is_remote_addr(settings):
    settings.CLIENT_ADDRESS_HEADER = ""
    request = request_with(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert client_address(request) == "198.51.100.7"


def test_with_a_proxy_header_its_last_entry_is_the_address(settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    request = request_with(
        REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.1, 192.0.2.5,  198.51.100.7 "
    )
    assert client_address(request) == "198.51.100.7"


def test_the_first_forwarded_entry_a_client_can_forge_is_never_trusted(settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    request = request_with(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_address(request) == "198.51.100.7"


def test_a_single_entry_header_is_the_address(settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    request = request_with(REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.7")
    assert client_address(request) == "198.51.100.7"


def test_a_header_name_in_lower_case_is_found_all_the_same(settings):
    settings.CLIENT_ADDRESS_HEADER = "x-real-ip"
    request = request_with(REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.7")
    assert client_address(request) == "198.51.100.7"


def test_a_missing_proxy_header_falls_back_to_remote_addr(settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    assert client_address(request_with(REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_an_empty_last_entry_falls_back_to_remote_addr(settings):
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    request = request_with(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.1, ")
    assert client_address(request) == "10.0.0.2"


def test_no_address_at_all_is_empty():
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_address(request) == ""


def htmx_request(current_url=None):
    from django_htmx.middleware import HtmxDetails

    headers = {"HX-Request": "true"}
    if current_url is not None:
        headers["HX-Current-URL"] = current_url
    request = RequestFactory().get("/guides/alipay/progress/", headers=headers)
    request.htmx = HtmxDetails(request)
    return request


def test_htmx_on_a_step_page_of_the_guide_names_that_step():
    from onboarding.web.http import step_in_current_url

    request = htmx_request("http://testserver/guides/alipay/sign-up/?return=summary")
    assert step_in_current_url(request, guide="alipay") == "sign-up"


def test_a_step_page_of_another_guide_names_no_step():
    from onboarding.web.http import step_in_current_url

    request = htmx_request("http://testserver/guides/other/sign-up/")
    assert step_in_current_url(request, guide="alipay") is None


def test_a_page_that_is_not_a_step_names_no_step():
    from onboarding.web.http import step_in_current_url

    assert (
        step_in_current_url(htmx_request("http://testserver/guides/alipay/"), guide="alipay")
        is None
    )
    assert (
        step_in_current_url(htmx_request("http://testserver/nowhere/at/all/x/"), guide="alipay")
        is None
    )


def test_a_malformed_current_url_names_no_step():
    from onboarding.web.http import step_in_current_url

    assert step_in_current_url(htmx_request("http://["), guide="alipay") is None


def test_a_request_without_htmx_names_no_step():
    from django_htmx.middleware import HtmxDetails

    from onboarding.web.http import step_in_current_url

    request = RequestFactory().get("/", headers={"HX-Current-URL": "/guides/alipay/sign-up/"})
    request.htmx = HtmxDetails(request)
    assert step_in_current_url(request, guide="alipay") is None
    assert step_in_current_url(htmx_request(), guide="alipay") is None
