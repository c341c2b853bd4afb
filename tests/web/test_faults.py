"""Database faults: a friendly 503 with Retry-After, never a 500 traceback, and nothing lost."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError

from onboarding.journeys.models import StepProgress
from tests.browser_like_client import BrowserLikeClient
from tests.factories import management, post_step, valid_fields

pytestmark = pytest.mark.django_db

DOWN = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.fixture
def quiet_client():
    """A client that returns what the server would send instead of raising the view's error."""
    return BrowserLikeClient(raise_request_exception=False)


def assert_friendly_503(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assert "Sorry, the service is busy" in response.text
    assert "saving twice is safe" in response.text
    assert "Traceback" not in response.text
    assert "OperationalError" not in response.text


def test_a_database_fault_in_a_page_gives_a_friendly_503(client, alipay):
    with mock.patch("onboarding.journeys.views.owner_progress", side_effect=DOWN):
        response = client.get("/guides/alipay/")
    assert_friendly_503(response)


def test_a_lost_connection_during_a_save_gives_a_503_and_saves_nothing(client, steps):
    lost = InterfaceError("connection already closed")
    with mock.patch("onboarding.journeys.services.record_step", side_effect=lost):
        response = post_step(client, steps["about"])
    assert_friendly_503(response)
    assert not StepProgress.objects.exists()


def test_a_save_retried_after_a_503_lands_once(client, steps):
    with mock.patch("onboarding.journeys.services.record_step", side_effect=DOWN):
        post_step(client, steps["about"])
    response = post_step(client, steps["about"])
    assert response.status_code == 302
    assert StepProgress.objects.filter(step=steps["about"]).count() == 1


def test_a_database_fault_while_saving_the_session_is_a_503_too(quiet_client, steps):
    # Back keeps what was ticked as a draft in the session, written after the view by middleware.
    post_step(quiet_client, steps["about"])
    ticked = valid_fields(steps["prepare"])
    back = {**management("prepare"), **ticked, "wizard_goto_step": "about"}
    target = "django.contrib.sessions.backends.db.SessionStore.save"
    with mock.patch(target, side_effect=DOWN):
        response = quiet_client.post("/guides/alipay/prepare/", back)
    assert_friendly_503(response)


def test_the_503_page_renders_while_every_query_fails(client, django_user_model, steps):
    user = django_user_model.objects.create_user("ana@example.com", "a-long-passphrase")
    client.force_login(user)  # the page must not load this user or the session to render
    with mock.patch("django.db.backends.utils.CursorWrapper._execute", side_effect=DOWN):
        response = client.get("/guides/alipay/about/")
    assert_friendly_503(response)


def test_a_programming_error_is_still_a_500(quiet_client, alipay):
    bug = ProgrammingError('relation "onboarding_guide" does not exist')
    with mock.patch("onboarding.journeys.views.owner_progress", side_effect=bug):
        response = quiet_client.get("/guides/alipay/")
    assert response.status_code == 500
    assert "Retry-After" not in response
