"""Layout at a phone's width and a laptop's, with screenshots for people to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.walk import fill_step, save

VIEWPORTS = {"narrow": {"width": 375, "height": 800}, "wide": {"width": 1280, "height": 900}}


def test_on_a_narrow_screen_the_sidebar_is_a_step_bar_that_opens_the_list(browser: Browser, site):
    page = browser.new_page(viewport=VIEWPORTS["narrow"])
    page.goto(site + "/guides/alipay/about-alipay/")
    bar = page.locator(".progress-summary")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("Step 1 of 11")
    expect(page.locator("#progress-sidebar ol")).to_be_hidden()
    bar.click()
    expect(page.locator("#progress-sidebar ol")).to_be_visible()
    page.close()


def test_on_a_wide_screen_the_sidebar_list_is_always_shown(browser: Browser, site):
    page = browser.new_page(viewport=VIEWPORTS["wide"])
    page.goto(site + "/guides/alipay/about-alipay/")
    expect(page.locator(".progress-summary")).to_be_hidden()
    expect(page.locator("#progress-sidebar ol")).to_be_visible()
    box = page.locator("#progress-sidebar").bounding_box()
    content = page.locator("#step-content").bounding_box()
    assert box["x"] + box["width"] <= content["x"]  # beside the step, not above it
    page.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_screenshots_of_the_main_pages(browser: Browser, site, screenshots, size):
    page = browser.new_page(viewport=VIEWPORTS[size])
    shots = []

    def shoot(name: str) -> None:
        path = screenshots / f"{size}-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        shots.append(path)

    page.goto(site + "/")
    shoot("landing")
    page.goto(site + "/guides/alipay/")
    shoot("task-list")
    page.goto(site + "/guides/alipay/about-alipay/")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_be_visible()
    shoot("error")
    while "/done/" not in page.url:
        kind = fill_step(page)
        if kind in {"checklist", "contact", "identity"}:
            shoot(f"step-{kind}")
        save(page)
    shoot("finish")
    assert all(path.stat().st_size > 10_000 for path in shots)
    page.close()
