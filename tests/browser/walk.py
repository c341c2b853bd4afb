"""Filling each form kind in a real browser, as a person would."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import Locator, Page

# The Alipay guide's steps in their order (NEW-DESIGN.md); all 14 apply to someone outside
# mainland China without an account yet, which is how fill_step answers the first step.
STEPS = (
    "about",
    "prepare",
    "install",
    "sign-up",
    "link-card",
    "verify-passport",
    "protect-account",
    "first-payment",
    "ride-codes",
    "payment-fails",
    "explore",
    "vpn",
    "chinese-on-screen",
    "email-link",
)
FORM_KINDS = {"read", "checklist", "situation", "phone", "identity", "security", "card"}
# The one button that finishes a step: "I've done this", or "Save" on a step already done.
DONE_BUTTON = re.compile(r"^(I've done this|Save)$")


def step_url(site: str, slug: str) -> str:
    return f"{site}/guides/alipay/{slug}/"


def form_kind(page: Page) -> str:
    return page.locator("form.step-form").get_attribute("data-form-kind")


def fill_step(page: Page) -> str:
    """Fill the current step's form validly; return its form kind."""
    form = page.locator("form.step-form")
    kind = form.get_attribute("data-form-kind")
    if kind == "read":
        pass  # nothing to fill: the button says it is done
    elif kind == "checklist":
        for box in form.locator("input[type=checkbox]").all():
            box.check()
    elif kind == "situation":
        form.locator("input[name$='-location'][value=outside]").check()
        form.locator("input[name$='-has_account'][value=no]").check()
    elif kind == "phone":
        pass  # the number is an optional check, never kept
    elif kind == "identity":
        form.locator("input[value=passport]").check()
        form.locator("select[name$='-issuing_country']").select_option("GB")
        expiry = datetime.datetime.now(tz=datetime.UTC).date() + datetime.timedelta(days=3 * 365)
        form.locator("input[name$='-expiry_date']").fill(expiry.isoformat())
    elif kind == "security":
        form.locator("input[value=payment_password]").check()
    elif kind == "card":
        form.locator("input[value=visa]").check()
    else:
        raise AssertionError(f"unknown form kind {kind!r}")
    return kind


def done_button(page: Page) -> Locator:
    return page.locator("form.step-form").get_by_role("button", name=DONE_BUTTON)


def save(page: Page) -> None:
    """Press "I've done this" (or "Save") and wait until the next page (or step) is shown."""
    before = page.url
    done_button(page).click()
    page.wait_for_url(lambda url: url != before)
    page.wait_for_load_state("networkidle")


def walk_to_finish(page: Page, site: str) -> list[str]:
    """Do every step from the first, as suggested after each save; return the kinds filled."""
    page.goto(step_url(site, STEPS[0]))
    kinds = []
    while "/done/" not in page.url:
        kinds.append(fill_step(page))
        save(page)
    return kinds


def sidebar_item(page: Page, title: str) -> Locator:
    return page.locator("#progress-sidebar li", has_text=title)


def sidebar_status(page: Page, title: str) -> Locator:
    return sidebar_item(page, title).locator(".status-tag")
