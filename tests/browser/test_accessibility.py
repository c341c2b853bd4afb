"""Accessibility in a real browser: axe on every page type, keyboard use, announced errors."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.axe import violations
from tests.browser.walk import fill_step, save


def test_every_page_type_has_no_wcag_a_or_aa_violations(page: Page, site):
    found = {}
    page.goto(site + "/")
    found["landing"] = violations(page)
    page.goto(site + "/guides/alipay/")
    found["task list"] = violations(page)
    page.goto(site + "/guides/alipay/about-alipay/")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found["error state"] = violations(page)
    while "/done/" not in page.url:
        kind = page.locator("form.step-form").get_attribute("data-form-kind")
        if f"form kind {kind}" not in found:
            found[f"form kind {kind}"] = violations(page)
        fill_step(page)
        save(page)
    found["finish"] = violations(page)
    page.goto(site + "/no-such-page/")
    found["not found"] = violations(page)
    assert len([name for name in found if name.startswith("form kind")]) == 7
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_a_skip_link_comes_first_and_moves_focus_to_the_content(page: Page, site):
    page.goto(site + "/guides/alipay/about-alipay/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def test_a_step_can_be_completed_with_the_keyboard_alone(page: Page, site):
    page.goto(site + "/guides/alipay/about-alipay/")
    box = page.locator("input[name$='-confirmed']")
    for _ in range(60):
        page.keyboard.press("Tab")
        if box.evaluate("element => element === document.activeElement"):
            break
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    outline = box.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Tab")  # the note
    page.keyboard.press("Tab")  # Save and continue
    expect(page.get_by_role("button", name="Save and continue")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/prepare/$"))


def test_errors_are_announced_and_linked_to_their_fields(page: Page, site):
    page.goto(site + "/guides/alipay/about-alipay/")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    summary.get_by_role("link").first.click()
    expect(page.locator("input[name$='-confirmed']")).to_be_focused()


def test_share_controls_and_the_share_page_have_no_violations(page: Page, browser, site):
    page.goto(site + "/guides/alipay/about-alipay/")
    fill_step(page)
    save(page)
    page.goto(site + "/guides/alipay/")
    page.get_by_role("button", name="Create a share link").click()
    link = page.locator("input[readonly]").first
    expect(link).to_be_visible()
    found = {"task list with a new link": violations(page)}
    helper = browser.new_page()
    helper.goto(link.input_value())
    expect(helper.get_by_text("1 of 11")).to_be_visible()
    found["share page"] = violations(helper)
    helper.close()
    assert {name: lines for name, lines in found.items() if lines} == {}
