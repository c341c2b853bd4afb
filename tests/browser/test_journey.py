"""The whole guide in a real browser: with htmx, and again with JavaScript turned off."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.walk import (
    FORM_KINDS,
    STEPS,
    done_button,
    fill_step,
    save,
    sidebar_status,
)


def test_a_visitor_walks_the_whole_guide_with_htmx(page: Page, site):
    page.goto(site + "/")
    page.get_by_role("link", name="Start now").click()
    expect(page).to_have_url(re.compile("/guides/alipay/about/$"))

    # A mistake first: the error summary is announced and takes focus.
    done_button(page).click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary")).to_have_attribute("role", "alert")
    expect(page).to_have_title(re.compile("^Error: "))

    page.evaluate("window.noFullPageLoad = true")
    walked = []
    while "/done/" not in page.url:
        title = page.locator("h1").inner_text()
        number = len(walked) + 1
        expect(page.locator("#step-content .caption")).to_contain_text(
            f"Step {number} of {len(STEPS)}"
        )
        walked.append(fill_step(page))
        save(page)
        if "/done/" in page.url:
            break
        # htmx swapped the step in place: no page load, and the sidebar refreshed itself.
        assert page.evaluate("window.noFullPageLoad") is True
        expect(sidebar_status(page, title)).to_have_text("Done")
        expect(page.locator("#progress-sidebar [aria-current=step]")).to_have_text(
            page.locator("h1").inner_text()
        )
        if len(walked) == 3:
            back_and_forward(page)
        if len(walked) == 5:
            page.reload()  # resume where they were
            expect(page.locator("form.step-form")).to_be_visible()
            page.evaluate("window.noFullPageLoad = true")

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.locator(".summary-row")).to_have_count(len(STEPS))
    assert len(walked) == len(STEPS)
    assert set(walked) == FORM_KINDS
    expect(page.get_by_text(f"All {len(STEPS)} steps are done or skipped")).to_be_visible()


def back_and_forward(page: Page) -> None:
    """The Back button, then the browser's own back and forward, all land on the right step."""
    here = page.url
    heading = page.locator("h1").inner_text()
    page.get_by_role("button", name="Back", exact=True).click()
    page.wait_for_url(lambda url: url != here)
    previous = page.url
    page.go_back()
    page.wait_for_load_state("networkidle")
    assert page.url == here
    expect(page.locator("h1")).to_have_text(heading)
    assert previous != here


def test_the_whole_guide_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    page.get_by_role("link", name="Start now").click()
    done_button(page).click()
    expect(page.locator(".error-summary")).to_be_visible()
    steps = 0
    while "/done/" not in page.url:
        fill_step(page)
        save(page)
        steps += 1
        if steps == 2:
            page.get_by_role("button", name="Back", exact=True).click()
            expect(page).to_have_url(re.compile("/prepare/$"))
            expect(page.locator("input[type=checkbox]").first).to_be_checked()  # pre-filled
            expect(page.get_by_text(re.compile(r"^Done on \d"))).to_be_visible()
            save(page)
            expect(page).to_have_url(re.compile("/install/$"))
    assert steps == len(STEPS)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Change.*Link an international card")).click()
    expect(page.locator("input[value=visa]")).to_be_checked()
    context.close()
