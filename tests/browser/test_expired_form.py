"""An expired form explains itself in the browser, also when htmx sent it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.walk import done_button, fill_step, step_url


def test_an_expired_form_sent_by_htmx_shows_the_reload_page(page: Page, site):
    page.goto(step_url(site, "about"))
    page.wait_for_function("typeof htmx === 'object'")
    page.context.clear_cookies()  # as when the CSRF cookie has expired or was cleared
    fill_step(page)
    done_button(page).click()

    # htmx swaps a 4xx page's main content in (base.html's htmx-config), so it is not silent.
    expect(page.get_by_role("heading", name="This page has expired")).to_be_visible()
    expect(page.get_by_role("link", name="Reload the page")).to_be_visible()
    expect(page).to_have_title("This page has expired · Step by step")
