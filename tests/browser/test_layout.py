"""Layout at a phone's width and a laptop's, with screenshots for people to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.walk import STEPS, done_button, fill_step, save, step_url

VIEWPORTS = {"narrow": {"width": 375, "height": 800}, "wide": {"width": 1280, "height": 900}}


def test_on_a_narrow_screen_the_sidebar_is_a_step_bar_that_opens_the_list(browser: Browser, site):
    page = browser.new_page(viewport=VIEWPORTS["narrow"])
    page.goto(step_url(site, "about"))
    bar = page.locator(".progress-summary")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text(f"Step 1 of {len(STEPS)}")
    expect(page.locator("#progress-sidebar ol")).to_be_hidden()
    bar.click()
    expect(page.locator("#progress-sidebar ol")).to_be_visible()
    page.close()


def test_on_a_wide_screen_the_sidebar_list_is_always_shown(browser: Browser, site):
    page = browser.new_page(viewport=VIEWPORTS["wide"])
    page.goto(step_url(site, "about"))
    expect(page.locator(".progress-summary")).to_be_hidden()
    expect(page.locator("#progress-sidebar ol")).to_be_visible()
    box = page.locator("#progress-sidebar").bounding_box()
    content = page.locator("#step-content").bounding_box()
    assert box["x"] + box["width"] <= content["x"]  # beside the step, not above it
    page.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_screenshots_of_every_page_type_and_none_scrolls_sideways(
    browser: Browser, site, screenshots, size
):
    page = browser.new_page(viewport=VIEWPORTS[size])
    shots = []
    sideways = {}

    def shoot(name: str, *, full_page: bool = True) -> None:
        path = screenshots / f"{size}-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=path, full_page=full_page)
        shots.append(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > VIEWPORTS[size]["width"]:
            sideways[name] = width

    page.goto(site + "/")
    shoot("landing")
    page.goto(site + "/guides/alipay/")
    shoot("task-list")
    page.goto(site + "/guides/alipay/glossary/")
    shoot("glossary")
    page.goto(site + "/about/")
    shoot("about")
    page.goto(step_url(site, "about"))
    done_button(page).click()
    expect(page.locator(".error-summary")).to_be_visible()
    shoot("error")
    kinds = set()
    while "/done/" not in page.url:
        kind = fill_step(page)
        if kind not in kinds:
            kinds.add(kind)
            shoot(f"step-{kind}")
        save(page)
    shoot("finish")

    page.get_by_role("button", name="Create a share link").click()
    link = page.locator("input[readonly]").first
    expect(link).to_be_visible()
    shoot("finish-share-link")
    page.goto(link.input_value())
    expect(page.get_by_text("Shared progress", exact=True)).to_be_visible()
    shoot("share-page")
    # Stuck comes after the finish page: being stuck on a step makes the journey unfinished.
    page.goto(step_url(site, "first-payment"))
    shoot("step-done-again")
    page.locator("summary", has_text="I'm stuck").click()
    page.locator(".stuck-form input[name=problem]").first.check()
    page.get_by_role("button", name="Show me the fix").click()
    expect(page.locator("#fix")).to_be_in_viewport()
    shoot("stuck-fix-in-view", full_page=False)  # what the person sees at that moment
    page.goto(site + "/no-such-page/")
    shoot("not-found")

    assert len(kinds) == 7
    assert all(path.stat().st_size > 10_000 for path in shots)
    assert sideways == {}, f"pages wider than the screen: {sideways}"
    page.close()
