"""In Chromium, against the portal under gunicorn with production settings: the strict
Content-Security-Policy breaks nothing, and an expired form explains itself even sent by htmx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.servers import GUNICORN, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, for this module only.

    Playwright's sync API keeps an event loop running in this thread while it is open, and
    Django refuses database access beside a running loop: so it is closed before other tests.
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # While Chromium is open, let pytest-django set up the PostgreSQL test database.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(chromium) -> Iterator[Page]:
    """A fresh page whose requests arrive as through the TLS proxy in production."""
    context = chromium.new_context(extra_http_headers={"X-Forwarded-Proto": "https"})
    yield context.new_page()
    context.close()


@pytest.fixture
def portal(seeded_server_env) -> Iterator[str]:
    """The portal under gunicorn with production settings; its address."""
    address = f"http://127.0.0.1:{seeded_server_env['PORT']}"
    # The proxy says HTTPS while the browser's Origin says http: trust that origin, as
    # CSRF_TRUSTED_ORIGINS would name the public https:// one in production.
    env = {**seeded_server_env, "CSRF_TRUSTED_ORIGINS": address}
    with serving(GUNICORN, env):
        yield address


@pytest.fixture
def policy_violations(page):
    """Every message in which Chromium reports blocking something under the policy."""
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return messages


def test_walking_steps_with_htmx_violates_no_policy(page, portal, policy_violations):
    page.goto(portal + "/")
    page.get_by_role("link", name="Start now").click()
    page.get_by_label("I've done this step").check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/guides/alipay/prepare/")
    # htmx swapped the step in and the sidebar refreshed itself: both by script, under the policy.
    expect(page.locator("#progress-sidebar")).to_contain_text("1 of 11 done")

    assert page.evaluate("typeof htmx") == "object"
    assert policy_violations == []


def test_an_expired_form_sent_by_htmx_shows_the_reload_page(page, portal, policy_violations):
    page.goto(portal + "/guides/alipay/about-alipay/")
    page.evaluate("typeof htmx")
    page.context.clear_cookies()  # as when the session and its CSRF cookie have expired
    page.get_by_label("I've done this step").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="This page has expired")).to_be_visible()
    expect(page.get_by_role("link", name="Reload the page")).to_be_visible()
    assert policy_violations == []
