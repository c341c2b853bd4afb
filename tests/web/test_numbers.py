"""Pages write numbers as they are: step counts and minutes need no locale's digit grouping."""

from __future__ import annotations

from unittest import mock

import pytest
from django.template import RequestContext, Template
from django.test import override_settings
from django.utils import formats

from tests.factories import post_step, valid_fields


@override_settings(USE_THOUSAND_SEPARATOR=True, NUMBER_GROUPING=3)
def test_a_page_writes_a_number_without_the_locale_machinery(rf):
    # Localising every number cost a first view a seventh of its time; the site is in English
    # and its numbers are small, so base.html turns it off for every page built on it.
    template = Template('{% extends "base.html" %}{% block main %}<p>{{ n }}</p>{% endblock %}')
    request = rf.get("/")
    request._csp_nonce = "nonce"

    html = template.render(RequestContext(request, {"n": 1234567}))

    assert "<p>1234567</p>" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/guides/alipay/prepare/", {}),
        ("/guides/alipay/prepare/", {"HX-Request": "true"}),
        ("/guides/alipay/progress/", {"HX-Request": "true"}),
    ],
    ids=["step page", "step content for htmx", "sidebar for htmx"],
)
def test_step_pages_and_their_partials_never_localise_a_number(client, steps, url, headers):
    # What every visitor's view renders afresh: the progress counts, the step numbers.
    post_step(client, steps["about"], valid_fields(steps["about"], location="inside"))
    client.get(url, headers=headers)  # the step's content, the same for everyone, is made once
    with mock.patch.object(formats, "number_format", side_effect=AssertionError("localised")):
        response = client.get(url, headers=headers)

    assert response.status_code == 200
    assert " of 13" in response.text
