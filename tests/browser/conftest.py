"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright cannot download its own browsers here, so it runs /usr/bin/chromium (or
CHROMIUM_PATH). Without that browser these tests skip, except in CI (CI=true), where a missing
browser is an error: .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.factories import seed_alipay

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it
# are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (or set CHROMIUM_PATH)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server():
    """The live server speaks plain HTTP: its middleware, built once, must not redirect to HTTPS."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    # Nor look for collected static files, which a fresh checkout (CI) does not have: it serves
    # them from the source folders, as the test client does (tests/conftest.py).
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(scope="session", autouse=True)
def _close_connections_opened_beside_playwright(playwright):
    """Close the database connections opened while Playwright ran, before it stops.

    Django keeps connections per context, and Playwright's event loop gives the tests a context
    of their own: a connection opened there would outlive it, still open when pytest-django
    drops the PostgreSQL test database at the end ("being accessed by other users").
    """
    yield
    from django.db import connections

    connections.close_all()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's base URL, with the Alipay guide seeded."""
    seed_alipay()
    return live_server.url


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
