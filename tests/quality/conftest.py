"""Fixtures for the checks that need the live server (Lighthouse)."""

from __future__ import annotations

import pytest

from tests.factories import seed_alipay


@pytest.fixture(scope="session")
def _plain_http_live_server():
    """The live server speaks plain HTTP, and serves static files from the source folders.

    Its middleware is built once, when it starts: hence session-wide settings, as in
    tests/browser/conftest.py.
    """
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture
def site(_plain_http_live_server, live_server, transactional_db):
    """The live server's base URL, with the Alipay guide seeded."""
    seed_alipay()
    return live_server.url
