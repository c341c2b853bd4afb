"""Issue 17 walked as a person does: done steps stay done, skips, any order, honest dependencies,
Change links that come back to the summary, reloads and the htmx sidebar."""

from __future__ import annotations

import re

import pytest
from django.utils import dateformat, timezone
from playwright.sync_api import Browser, expect

from onboarding.journeys.models import StepProgress
from tests.browser.walk import (
    STEPS,
    done_button,
    fill_step,
    save,
    sidebar_item,
    sidebar_status,
    step_url,
    walk_to_finish,
)

WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def wide(browser: Browser):
    """A laptop-sized page, where the sidebar list is shown beside the step."""
    context = browser.new_context(viewport=WIDE)
    yield context.new_page()
    context.close()


@pytest.fixture(params=["htmx", "no-js"])
def any_page(request, browser: Browser):
    """A laptop-sized page with JavaScript (htmx), then one with JavaScript turned off."""
    context = browser.new_context(viewport=WIDE, java_script_enabled=request.param == "htmx")
    yield context.new_page()
    context.close()


def row(slug: str) -> StepProgress:
    return StepProgress.objects.get(step__slug=slug)


def finished_on(slug: str) -> str:
    """The date a finished step shows, as the page writes it ("1 December 2026")."""
    return dateformat.format(timezone.localtime(row(slug).completed_at), "j F Y")


def test_a_done_reading_step_opened_again_from_the_sidebar_says_done_and_saves_again(wide, site):
    page = wide
    page.goto(step_url(site, "first-payment"))
    expect(page.locator("form.step-form input:not([type=hidden])")).to_have_count(0)  # no box
    expect(done_button(page)).to_have_text("I've done this")
    save(page)
    first_done = row("first-payment").completed_at

    sidebar_item(page, "Make a small test payment").get_by_role("link").click()
    expect(page).to_have_url(step_url(site, "first-payment"))
    expect(page.locator("#step-content .notice-success")).to_contain_text(
        f"Done on {finished_on('first-payment')}"
    )
    save(page)  # the one button again ("Save" now)
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(sidebar_status(page, "Make a small test payment")).to_have_text("Done")
    assert row("first-payment").status == "done"
    assert row("first-payment").completed_at == first_done  # "Done on" does not move


def test_the_browser_back_button_shows_a_done_reading_step_as_done(any_page, site):
    page = any_page
    page.goto(step_url(site, "ride-codes"))
    save(page)
    assert page.url != step_url(site, "ride-codes")
    page.go_back()
    expect(page).to_have_url(step_url(site, "ride-codes"))
    expect(page.locator("#step-content .notice-success")).to_contain_text(
        f"Done on {finished_on('ride-codes')}"
    )
    expect(done_button(page)).to_have_text("Save")
    save(page)
    expect(page.locator(".error-summary")).to_have_count(0)
    assert row("ride-codes").status == "done"


def test_an_optional_step_is_skipped_and_says_so(any_page, site):
    page = any_page
    page.goto(step_url(site, "first-payment"))
    expect(page.get_by_role("button", name=re.compile("^Skip"))).to_have_count(0)  # not optional
    page.goto(step_url(site, "chinese-on-screen"))
    expect(page.locator("#step-content .caption")).to_contain_text("optional")
    page.get_by_role("button", name="Skip: I don't need this").click()
    page.wait_for_url(lambda url: "chinese-on-screen" not in url)
    expect(sidebar_status(page, "Read the Chinese you still meet")).to_have_text("Skipped")
    assert row("chinese-on-screen").status == "skipped"
    expect(page.locator(".progress-count")).to_contain_text(f"1 of {len(STEPS)}")

    page.goto(step_url(site, "chinese-on-screen"))
    expect(page.locator("#step-content .notice-success")).to_contain_text(
        f"Skipped on {finished_on('chinese-on-screen')}"
    )


def test_a_later_step_opens_straight_from_the_sidebar_and_saves(any_page, site):
    page = any_page
    page.goto(step_url(site, "about"))
    sidebar_item(page, "Protect your account").get_by_role("link").click()
    expect(page).to_have_url(step_url(site, "protect-account"))
    expect(page.locator("h1")).to_have_text("Protect your account")
    expect(page.locator("#step-content .caption")).to_contain_text(f"Step 7 of {len(STEPS)}")
    fill_step(page)
    save(page)
    # Back to the step we suggest (the first not done), with the later one counted as done.
    expect(page).to_have_url(step_url(site, "about"))
    expect(sidebar_status(page, "Protect your account")).to_have_text("Done")
    expect(page.locator("#progress-sidebar .progress-count")).to_contain_text(f"1 of {len(STEPS)}")
    assert row("protect-account").status == "done"
    assert row("protect-account").answers == {"methods": ["payment_password"]}


def test_a_step_that_needs_another_first_cannot_start_yet_and_is_no_link(wide, site):
    page = wide
    page.goto(site + "/guides/alipay/")
    card = page.locator(".step-list li", has_text="Link an international card")
    expect(card.locator(".status-tag")).to_have_text("Cannot start yet")
    expect(card.get_by_role("link")).to_have_count(0)
    expect(
        page.locator(".step-list li", has_text="Protect your account").get_by_role("link")
    ).to_be_visible()
    page.goto(step_url(site, "link-card"))
    expect(page.locator("#step-content .notice-warning")).to_contain_text(
        "Cannot start yet: first finish Sign up with your phone number"
    )
    expect(page.locator("form.step-form")).to_have_count(0)
    expect(sidebar_item(page, "Link an international card").get_by_role("link")).to_have_count(0)

    page.goto(step_url(site, "sign-up"))
    save(page)  # the number is an optional check: signing up is one button
    page.goto(site + "/guides/alipay/")
    expect(card.get_by_role("link", name="Link an international card")).to_be_visible()
    expect(card.locator(".status-tag")).not_to_have_text("Cannot start yet")


def test_change_on_the_summary_saves_and_lands_back_on_the_summary(wide, site):
    page = wide
    walk_to_finish(page, site)
    card = page.locator(".summary-row", has_text="Link an international card")
    expect(card).to_contain_text("Visa")
    card.get_by_role("link", name=re.compile("^Change")).click()
    expect(page).to_have_url(step_url(site, "link-card") + "?return=summary")
    expect(page.get_by_role("link", name="Back to your answers")).to_be_visible()
    page.locator("input[value=mastercard]").check()
    save(page)
    expect(page).to_have_url(site + "/guides/alipay/done/")
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(card).to_contain_text("Mastercard")
    expect(card).not_to_contain_text("Visa")
    assert row("link-card").answers == {"network": "mastercard"}


def test_counts_are_of_the_steps_that_apply(wide, site):
    page = wide
    page.goto(step_url(site, "about"))
    expect(page.locator("#step-content .caption")).to_contain_text(f"Step 1 of {len(STEPS)}")
    expect(sidebar_status(page, "Install the Alipay app")).to_have_text(
        "Depends on whether you have an account"
    )
    page.locator("input[name$='-location'][value=inside]").check()
    page.locator("input[name$='-has_account'][value=yes]").check()
    save(page)
    # Installing, signing up and the VPN step are left out: 11 steps, one of them done.
    expect(page.locator("#progress-sidebar .progress-count")).to_contain_text("1 of 11")
    expect(sidebar_status(page, "Install the Alipay app")).to_have_text("Not needed")
    expect(sidebar_status(page, "Turn off any VPN")).to_have_text("Not needed")
    expect(page.locator("#step-content .caption")).to_contain_text("Step 2 of 11")
    page.goto(step_url(site, "protect-account"))
    expect(page.locator("#step-content .caption")).to_contain_text("Step 5 of 11")


def test_reloading_a_step_after_a_save_asks_nothing_and_keeps_it(any_page, site):
    page = any_page
    page.goto(step_url(site, "protect-account"))
    fill_step(page)
    save(page)
    here = page.url
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.reload()
    assert response.request.method == "GET"  # no form sent again
    assert response.status == 200
    assert dialogs == []
    assert page.url == here
    expect(sidebar_status(page, "Protect your account")).to_have_text("Done")
    page.goto(step_url(site, "protect-account"))
    page.reload()
    expect(page.locator("#step-content .notice-success")).to_contain_text("Done on")
    expect(page.locator("input[value=payment_password]")).to_be_checked()
    assert StepProgress.objects.filter(step__slug="protect-account").count() == 1


def test_the_htmx_sidebar_updates_after_a_save_without_a_reload(wide, site):
    page = wide
    page.goto(step_url(site, "about"))
    page.wait_for_function("typeof htmx === 'object'")
    page.evaluate("window.stillTheSamePage = true")
    sidebar_fetches = []
    page.on(
        "request",
        lambda request: "/progress/" in request.url and sidebar_fetches.append(request.url),
    )
    expect(sidebar_status(page, "Find out what Alipay can do for you")).to_have_text("Not started")
    expect(page.locator("#progress-sidebar .progress-count")).to_contain_text(f"0 of {len(STEPS)}")
    fill_step(page)
    save(page)
    expect(sidebar_status(page, "Find out what Alipay can do for you")).to_have_text("Done")
    expect(page.locator("#progress-sidebar .progress-count")).to_contain_text(f"1 of {len(STEPS)}")
    expect(page.locator("#progress-sidebar [aria-current=step]")).to_have_text(
        "Get your passport, phone and card ready"
    )
    assert page.evaluate("window.stillTheSamePage") is True
    assert sidebar_fetches  # the sidebar fetched itself; the page was not loaded again
