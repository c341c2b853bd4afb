"""Bad requests get a clear 4xx page, never a 500."""

from __future__ import annotations

import re

import pytest

from tests.browser_like_client import BrowserLikeClient
from tests.factories import management, valid_fields

pytestmark = pytest.mark.django_db

STEP_URL = "/guides/alipay/about/"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def strict_client():
    """A client that, like a browser, is held to the CSRF check."""
    return BrowserLikeClient(enforce_csrf_checks=True)


def test_a_host_not_allowed_is_a_400(client, alipay):
    response = client.get("/", headers={"host": "evil.example"})

    assert response.status_code == 400
    assert "not served at the address" in response.text
    assert "evil.example" not in response.text


def test_the_400_page_for_a_bad_host_still_sends_the_security_policy(client, alipay):
    response = client.get("/", headers={"host": "evil.example"})

    assert "'nonce-" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_post_without_csrf_token_is_a_403_that_says_to_reload(strict_client, steps):
    step = steps["about"]
    response = strict_client.post(STEP_URL, {**management(step.slug), **valid_fields(step)})

    assert response.status_code == 403
    assert "This page has expired" in response.text
    assert "Reload the page" in response.text


def test_an_htmx_post_without_csrf_token_gets_the_same_403_page(strict_client, steps):
    step = steps["about"]
    response = strict_client.post(
        STEP_URL,
        {**management(step.slug), **valid_fields(step)},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver" + STEP_URL},
    )

    assert response.status_code == 403
    # htmx swaps a 4xx page's #main in place of the page's own (see base.html).
    assert 'id="main"' in response.text
    assert "Reload the page" in response.text


def test_a_post_with_the_token_from_the_page_passes_the_csrf_check(strict_client, steps):
    step = steps["about"]
    page = strict_client.get(STEP_URL).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    data = {"csrfmiddlewaretoken": token, **management(step.slug), **valid_fields(step)}

    assert strict_client.post(STEP_URL, data).status_code == 302


def test_an_oversized_body_is_a_400(client, steps, settings):
    step = steps["about"]
    fields = {**management(step.slug), **valid_fields(step)}
    big_note = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.post(STEP_URL, {**fields, "about-note": big_note})

    assert response.status_code == 400
    assert "more than this site accepts" in response.text


def test_too_many_fields_is_a_400(client, steps, settings):
    fields = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = client.post(STEP_URL, fields, content_type=FORM)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        b"guide_alipay-current_step=about&about-location=%ff%fe&about-has_account=no",
        b"guide_alipay-current_step=about&about-location=\xc3\x28&about-has_account=no",
        b"about-%c3=on",
    ],
    ids=["escaped", "raw", "in a field name"],
)
def test_invalid_utf8_in_a_form_is_a_400(client, steps, body):
    response = client.post(STEP_URL, body, content_type=FORM)

    assert response.status_code == 400
    assert "characters that could not be read" in response.text


def test_invalid_utf8_in_a_query_string_is_a_400(client, alipay):
    response = client.get("/guides/alipay/progress/?step=%ff")

    assert response.status_code == 400


def test_valid_utf8_in_a_form_is_accepted(client, steps):
    body = (
        "guide_alipay-current_step=about&about-location=outside&about-has_account=no"
        "&about-mark=%E2%9C%93"
    )

    assert client.post(STEP_URL, body, content_type=FORM).status_code == 302
