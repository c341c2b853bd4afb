"""Requests cut off, carrying files, or with broken headers: a clear answer, never a 500."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onboarding.journeys.models import StepProgress
from tests.factories import management, post_step, valid_fields

pytestmark = pytest.mark.django_db


def test_a_file_sent_with_a_step_is_ignored_and_the_step_saved(client, steps):
    step = steps["about"]
    upload = SimpleUploadedFile("passport.jpg", b"\xff\xd8 not really a photo")
    response = post_step(client, step, {**valid_fields(step), "scan": upload})
    assert response.status_code == 302
    assert StepProgress.objects.get(step=step).answers == {
        "location": "outside",
        "has_account": "no",
    }


class CutOffStream:
    """A request body whose connection drops part-way, as a server reports it."""

    def read(self, *args) -> bytes:
        raise OSError("client disconnected")

    readline = read


# A form body is read by a middleware (Django hands its error to the 500 handler), a multipart
# body by the view.
@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
def test_a_save_cut_off_mid_upload_gets_a_400_and_saves_nothing(steps, content_type):
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
