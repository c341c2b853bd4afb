"""Bad requests get a clear 4xx page, never a 500."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from onboarding.journeys.models import StepProgress
from tests.browser_like_client import BrowserLikeClient
from tests.factories import management, post_step, valid_fields

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


def test_a_body_over_256_kb_is_a_400(client, steps):
    step = steps["about"]
    fields = {**management(step.slug), **valid_fields(step)}
    big_answer = "x" * (256 * 1024 + 1)

    response = client.post(STEP_URL, {**fields, "about-location": big_answer})

    assert response.status_code == 400
    assert "more than this site accepts" in response.text


def test_more_than_1000_fields_is_a_400(client, steps):
    fields = "&".join(f"f{n}=1" for n in range(1001))

    response = client.post(STEP_URL, fields, content_type=FORM)

    assert response.status_code == 400
    assert "more than this site accepts" in response.text


@pytest.mark.parametrize(
    "body",
    [
        b"guide_alipay-current_step=about&about-location=%ff%fe&about-has_account=no",
        b"guide_alipay-current_step=about&about-location=\xc3\x28&about-has_account=no",
        b"guide_alipay-current_step=about&about-%c3=outside&about-has_account=no",
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


def test_valid_utf8_in_a_form_is_accepted_and_read_as_typed(client, steps):
    # A number typed in full-width digits, as a Japanese or Chinese keyboard may send it.
    fields = {**management("sign-up"), "sign-up-country": "GB", "sign-up-action": "check"}
    body = urlencode({**fields, "sign-up-number": "０７４００ １２３４５６"})

    response = client.post("/guides/alipay/sign-up/", body, content_type=FORM)

    assert response.status_code == 200
    assert "then type 7400 123456" in response.text


def _in_other_digits(number: int, zero: str) -> str:
    """The number written with the ten digits that start at `zero` (e.g. "０", "٠")."""
    return "".join(chr(ord(zero) + int(digit)) for digit in str(number))


# A problem's id written as int() would read it, but not as a page of ours writes it.
OTHER_DIGITS = pytest.mark.parametrize(
    "write",
    [
        lambda problem_id: "²",
        lambda problem_id: _in_other_digits(problem_id, "０"),
        lambda problem_id: _in_other_digits(problem_id, "٠"),
    ],
    ids=["superscript two", "full-width digits", "arabic-indic digits"],
)


@OTHER_DIGITS
def test_im_stuck_with_a_problem_id_in_other_digits_is_a_400_and_saves_nothing(
    client, steps, write
):
    step = steps["prepare"]
    problem = step.problems.first()
    data = {**management(step.slug), "stuck": "1", "problem": write(problem.id)}

    response = client.post(step.get_absolute_url(), data)

    assert response.status_code == 400
    assert "Choose one of the problems listed on this step" in response.text
    assert not StepProgress.objects.exists()


@OTHER_DIGITS
def test_a_stuck_address_in_other_digits_shows_the_step_and_no_problems_fix(client, steps, write):
    step = steps["prepare"]
    problem = step.problems.first()

    response = client.get(f"{step.get_absolute_url()}?stuck={write(problem.id)}")

    assert response.status_code == 200
    assert '<h2 class="small-heading">Something else</h2>' in response.text
    assert f'<h2 class="small-heading">{problem.summary}</h2>' not in response.text


def test_a_step_that_cannot_start_yet_is_not_saved_by_a_back_to_no_step(client, steps):
    post_step(client, steps["about"])  # no account yet: the card needs sign-up first
    card = steps["link-card"]
    for target in ("", "nonsense", "done"):
        fields = {**valid_fields(card), "wizard_goto_step": target}

        response = post_step(client, card, fields)

        assert (response.status_code, response["Location"]) == (302, card.get_absolute_url())
        assert not StepProgress.objects.filter(step=card).exists()
