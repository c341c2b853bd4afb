"""Filling each form kind in a real browser, as a person would."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page


def fill_step(page: Page) -> str:
    """Fill the current step's form validly; return its form kind."""
    form = page.locator("form.step-form")
    kind = form.get_attribute("data-form-kind")
    if kind == "read":
        form.locator("input[name$='-confirmed']").check()
    elif kind == "checklist":
        for box in form.locator("input[type=checkbox]").all():
            box.check()
    elif kind == "situation":
        form.locator("input[value=outside]").check()
    elif kind == "contact":
        form.locator("select[name$='-mobile_0']").select_option("GB")
        form.locator("input[name$='-mobile_1']").fill("07400 123456")
        form.locator("input[name$='-email']").fill("ana@example.com")
    elif kind == "identity":
        form.locator("input[value=passport]").check()
        form.locator("select[name$='-issuing_country']").select_option("GB")
        expiry = datetime.datetime.now(tz=datetime.UTC).date() + datetime.timedelta(days=3 * 365)
        form.locator("input[name$='-expiry_date']").fill(expiry.isoformat())
    elif kind == "security":
        form.locator("input[value=pin]").check()
    elif kind == "card":
        form.locator("input[value=visa]").check()
    else:
        raise AssertionError(f"unknown form kind {kind!r}")
    return kind


def save(page: Page) -> None:
    """Press "Save and continue" and wait until the next page (or step) is shown."""
    before = page.url
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(lambda url: url != before)
    page.wait_for_load_state("networkidle")
