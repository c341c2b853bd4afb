"""Stuck, then unstuck, on a phone: the chosen problem's fix is shown in view, with focus on it,
with JavaScript (htmx swaps it in) and without (a plain form post)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from onboarding.guides.models import Problem
from onboarding.journeys.models import StepProgress
from tests.browser.walk import step_url

PHONE = {"width": 375, "height": 800}
FOCUS_IS_ON_THE_FIX = """() => {
  const fix = document.getElementById("fix");
  return fix !== null && (document.activeElement === fix || fix.contains(document.activeElement));
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_im_stuck_shows_the_chosen_fix_in_view_with_focus_on_it(browser: Browser, site, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    problem = Problem.objects.filter(step__slug="first-payment").order_by("order")[1]
    page.goto(step_url(site, "first-payment"))
    if javascript:
        page.wait_for_function("typeof htmx === 'object'")
        page.evaluate("window.stillTheSamePage = true")

    stuck = page.locator("details.stuck")
    stuck.locator("summary", has_text="I'm stuck").click()
    expect(stuck.get_by_text("What went wrong?")).to_be_visible()
    stuck.get_by_label(problem.summary).check()
    stuck.get_by_role("button", name="Show me the fix").click()

    fix = page.locator("#fix")
    expect(fix.get_by_role("heading", name=problem.summary)).to_be_visible()
    expect(fix.get_by_role("heading", name=problem.summary)).to_be_in_viewport(ratio=1)
    top = fix.bounding_box()["y"]
    assert 0 <= top < PHONE["height"] / 2, f"the fix starts at {top}px, not in view"
    page.wait_for_function(FOCUS_IS_ON_THE_FIX)
    expect(fix).to_contain_text("Still stuck?")
    expect(fix.get_by_role("link", name="share your progress")).to_be_visible()
    # The problem chosen is recorded, and stays chosen on the page.
    progress = StepProgress.objects.get(step__slug="first-payment")
    assert (progress.status, progress.problem_id) == ("stuck", problem.pk)
    expect(stuck.get_by_label(problem.summary)).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if javascript:
        assert page.evaluate("window.stillTheSamePage") is True  # htmx swapped it in place
    context.close()


def test_something_else_shows_the_way_on_to_a_person(browser: Browser, site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(step_url(site, "sign-up"))
    page.locator("summary", has_text="I'm stuck").click()
    page.get_by_label("Something else").check()
    page.get_by_role("button", name="Show me the fix").click()
    fix = page.locator("#fix")
    expect(fix.get_by_role("heading", name="Something else")).to_be_in_viewport()
    page.wait_for_function(FOCUS_IS_ON_THE_FIX)
    expect(fix).to_contain_text("Ask a person at Alipay")
    progress = StepProgress.objects.get(step__slug="sign-up")
    assert (progress.status, progress.problem_id) == ("stuck", None)
    context.close()
