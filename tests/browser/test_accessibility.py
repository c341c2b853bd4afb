"""Accessibility in a real browser: axe on every page type, keyboard use, announced errors."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.axe import violations
from tests.browser.walk import FORM_KINDS, STEPS, done_button, fill_step, save, step_url


def test_every_page_type_has_no_wcag_a_or_aa_violations(page: Page, site):
    found = {}
    page.goto(site + "/")
    found["landing"] = violations(page)
    page.goto(site + "/guides/alipay/")
    found["task list"] = violations(page)
    page.goto(site + "/guides/alipay/glossary/")
    found["glossary"] = violations(page)
    page.goto(site + "/about/")
    found["about"] = violations(page)
    page.goto(step_url(site, "about"))
    done_button(page).click()
    expect(page.locator(".error-summary")).to_be_visible()
    found["error state"] = violations(page)
    while "/done/" not in page.url:
        kind = page.locator("form.step-form").get_attribute("data-form-kind")
        if f"form kind {kind}" not in found:
            found[f"form kind {kind}"] = violations(page)
        fill_step(page)
        save(page)
    found["finish"] = violations(page)
    page.goto(step_url(site, "first-payment"))
    found["a done step"] = violations(page)
    page.locator("summary", has_text="I'm stuck").click()
    page.locator(".stuck-form input[name=problem]").first.check()
    page.get_by_role("button", name="Show me the fix").click()
    expect(page.locator("#fix")).to_be_visible()
    found["stuck, with its fix"] = violations(page)
    page.goto(site + "/no-such-page/")
    found["not found"] = violations(page)
    assert {name for name in found if name.startswith("form kind")} == {
        f"form kind {kind}" for kind in FORM_KINDS
    }
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_a_skip_link_comes_first_and_moves_focus_to_the_content(page: Page, site):
    page.goto(step_url(site, "about"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the element is focused (at most 60 times)."""
    target = page.locator(selector)
    for _ in range(60):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_step_can_be_completed_with_the_keyboard_alone(page: Page, site):
    page.goto(step_url(site, "about"))
    outside = page.locator("input[name='about-location'][value=outside]")
    tab_to(page, "input[name='about-location'][value=outside]")
    page.keyboard.press("Space")
    expect(outside).to_be_checked()
    outline = outside.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Tab")  # the next question
    page.keyboard.press("Space")
    expect(page.locator("input[name='about-has_account'][value=no]")).to_be_checked()
    page.keyboard.press("Tab")
    expect(done_button(page)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/prepare/$"))

    # A reading step is one button away: no box to tick first.
    page.goto(step_url(site, "first-payment"))
    tab_to(page, "form.step-form button[value=done]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/prepare/$"))  # the suggested step, as after any save
    page.goto(step_url(site, "first-payment"))
    expect(page.get_by_text(re.compile(r"^Done on \d"))).to_be_visible()


def test_errors_are_announced_and_linked_to_their_fields(page: Page, site):
    page.goto(step_url(site, "about"))
    done_button(page).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    links.first.click()
    expect(page.locator("input[name='about-location']").first).to_be_focused()
    links.nth(1).click()
    expect(page.locator("input[name='about-has_account']").first).to_be_focused()


def test_share_controls_and_the_share_page_have_no_violations(page: Page, browser, site):
    page.goto(step_url(site, "about"))
    fill_step(page)
    save(page)
    page.goto(site + "/guides/alipay/")
    page.get_by_role("button", name="Create a share link").click()
    link = page.locator("input[readonly]").first
    expect(link).to_be_visible()
    found = {"task list with a new link": violations(page)}
    helper = browser.new_page()
    helper.goto(link.input_value())
    expect(helper.get_by_text(f"1 of {len(STEPS)}").first).to_be_visible()
    found["share page"] = violations(helper)
    helper.close()
    assert {name: lines for name, lines in found.items() if lines} == {}
