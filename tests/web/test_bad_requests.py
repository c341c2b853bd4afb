"""Requests cut off, carrying files, or with broken headers: a clear answer, never a 500."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as MultipartClient

from onboarding.journeys.models import StepProgress
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import management, post_step, valid_fields

pytestmark = pytest.mark.django_db


def test_a_file_sent_with_a_step_is_refused_and_nothing_saved(steps):
    step = steps["about"]
    upload = SimpleUploadedFile("passport.jpg", b"\xff\xd8 not really a photo")
    # Django's own test client sends multipart, as a form with a file input would.
    response = MultipartClient().post(
        step.get_absolute_url(), {**management(step.slug), **valid_fields(step), "scan": upload}
    )
    assert response.status_code == 400
    assert "does not take file uploads" in response.text
    assert not StepProgress.objects.exists()


class CutOffStream:
    """A request body whose connection drops part-way, as a server reports it."""

    def read(self, *args) -> bytes:
        raise OSError("client disconnected")

    readline = read


# A form body is read by a middleware (Django hands its error to the 500 handler). (A multipart
# body is refused before it is read: see the test above.)
def test_a_save_cut_off_mid_upload_gets_a_400_and_saves_nothing(steps):
    content_type = "application/x-www-form-urlencoded"
    step = steps["about"]
    body = urlencode({**management(step.slug), **valid_fields(step)})
    # A test client would raise the error instead of showing the page the server sends.
    response = Client(raise_request_exception=False).post(
        step.get_absolute_url(), body, content_type=content_type, **{"wsgi.input": CutOffStream()}
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
