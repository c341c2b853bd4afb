"""A GET changes nothing: reading any step, the task list or the finish page writes no row and
no session, however far the person has got."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import management, post_step, valid_fields

pytestmark = pytest.mark.django_db
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes_during(callable_) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]


def every_page(steps) -> list[str]:
    pages = ["/", "/guides/alipay/", "/guides/alipay/glossary/", "/guides/alipay/done/"]
    pages += [f"/guides/alipay/{slug}/" for slug in steps]
    pages += ["/guides/alipay/progress/", "/guides/alipay/sign-up/?stuck=other"]
    return pages


@pytest.mark.parametrize("progress", ["none", "half", "complete"])
def test_no_get_of_any_guide_page_writes_a_row_or_the_session(client, steps, progress, settings):
    chosen = {"none": [], "half": ["about", "prepare", "sign-up"], "complete": list(steps)}
    for slug in chosen[progress]:
        post_step(client, steps[slug], valid_fields(steps[slug]))
    # A draft in the session, so that a GET has something it could wrongly rewrite.
    client.post(
        "/guides/alipay/link-card/",
        {**management("link-card"), "link-card-network": "jcb", "wizard_goto_step": "sign-up"},
    )
    sessions_before = list(
        Session.objects.values_list("session_key", "session_data", "expire_date")
    )
    for page in every_page(steps):
        response = None

        def get(page=page):
            nonlocal response
            response = client.get(page)

        assert writes_during(get) == [], page
        assert response.status_code in (200, 302), page
        assert settings.SESSION_COOKIE_NAME not in response.cookies, page
    after = list(Session.objects.values_list("session_key", "session_data", "expire_date"))
    assert after == sessions_before


def test_the_write_check_sees_a_write(client, steps):
    assert writes_during(lambda: post_step(client, steps["about"]))
