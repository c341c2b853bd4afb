"""The header and footer links, reversed once per URL set (web/context_processors.py)."""

from __future__ import annotations

import pytest
from django.urls import set_script_prefix

from tests.browser_like_client import BrowserLikeClient

pytestmark = pytest.mark.django_db


def test_the_header_and_footer_link_the_sites_pages(client):
    page = client.get("/").text
    assert 'class="brand" href="/"' in page
    assert 'href="/accounts/login/"' in page
    assert 'href="/accounts/signup/"' in page
    assert 'href="/about/"' in page


def test_a_site_served_under_a_prefix_links_under_it_and_a_site_without_one_does_not():
    # The WSGI handler sets the prefix from SCRIPT_NAME; the test client leaves it as it is.
    set_script_prefix("/help/")
    try:
        prefixed = BrowserLikeClient().get("/").text
    finally:
        set_script_prefix("/")
    plain = BrowserLikeClient().get("/").text

    assert 'href="/help/accounts/login/"' in prefixed
    assert 'href="/help/about/"' in prefixed
    assert 'href="/accounts/login/"' in plain
    assert "/help/" not in plain
