"""Requests cut off or with broken headers: a clear answer, never a 500.

Uploads are refused before they are read: tests/web/test_request_guard.py.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from onboarding.journeys.models import StepProgress
from tests.browser_like_client import BrowserLikeClient
from tests.factories import management, post_step, valid_fields

pytestmark = pytest.mark.django_db


class CutOffStream:
    """A request body whose connection drops part-way, as a server reports it."""

    def read(self, *args) -> bytes:
        raise OSError("client disconnected")

    readline = read


def test_a_save_cut_off_mid_upload_gets_a_400_and_saves_nothing(steps):
    step = steps["about"]
    body = urlencode({**management(step.slug), **valid_fields(step)})
    # A test client would raise the error instead of showing the page the server sends.
    response = BrowserLikeClient(raise_request_exception=False).post(
        step.get_absolute_url(), body, **{"wsgi.input": CutOffStream()}
    )
    assert response.status_code == 400
    assert "cut off" in response.text
    assert not StepProgress.objects.exists()


def test_a_broken_current_url_header_is_ignored_by_the_sidebar(client, steps):
    post_step(client, steps["about"])
    headers = {"HX-Request": "true", "HX-Current-URL": "http://[::1"}
    response = client.get("/guides/alipay/progress/", headers=headers)
    assert response.status_code == 200
    assert 'aria-label="Progress"' in response.text
