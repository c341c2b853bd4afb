"""Accounts in real browsers: sign up on a laptop (the link from the mail), carry on from a
phone; axe on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import violations
from tests.browser.walk import STEPS, fill_step, save, step_url
from tests.factories import sent_mail

PASSWORD = "a-long-passphrase-for-tests-42"


def sign_up(page: Page, email: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()


def follow_signup_link(page: Page, email: str) -> None:
    """Open the link mailed to this address, and finish creating the account."""
    (message,) = [message for message in sent_mail() if message.to == [email]]
    page.goto(re.search(r"https?://\S+/accounts/signup/\S+", message.body).group())
    page.get_by_role("button", name="Finish creating my account").click()


@pytest.fixture
def devices(browser: Browser):
    """A laptop and a phone: two browsers that share nothing, closed before the server stops."""
    laptop = browser.new_context()
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    yield laptop.new_page(), phone.new_page()
    laptop.close()
    phone.close()


def test_a_visitor_signs_up_on_a_laptop_and_carries_on_from_a_phone(devices, site):
    laptop, phone = devices
    laptop.goto(step_url(site, "about"))
    for _ in range(3):
        fill_step(laptop)
        save(laptop)
    here = laptop.url
    laptop.get_by_role("link", name="Create an account").last.click()
    sign_up(laptop, "carla@example.com")
    follow_signup_link(laptop, "carla@example.com")
    laptop.wait_for_url(here)
    expect(laptop.get_by_text("now saved to your account")).to_be_visible()

    phone.goto(site + "/accounts/login/")
    phone.get_by_label("Email address").fill("carla@example.com")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url(site + "/account/")
    expect(phone.get_by_text(f"3 of {len(STEPS)}")).to_be_visible()
    phone.get_by_role("link", name="Continue").click()
    assert phone.url == here

    phone.goto(site + "/account/delete/")
    phone.get_by_role("button", name="Delete my account").click()
    phone.wait_for_url(site + "/")
    expect(phone.get_by_text("have been deleted")).to_be_visible()
    expect(phone.get_by_role("link", name="Log in")).to_be_visible()


def test_account_pages_have_no_wcag_a_or_aa_violations(page: Page, site):
    found = {}
    page.goto(site + "/accounts/signup/")
    found["sign up"] = violations(page)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found["sign up errors"] = violations(page)
    sign_up(page, "dee@example.com")
    found["check your email"] = violations(page)
    (message,) = sent_mail()
    page.goto(re.search(r"https?://\S+/accounts/signup/\S+", message.body).group())
    found["finish sign up"] = violations(page)
    page.get_by_role("button", name="Finish creating my account").click()
    page.wait_for_url(site + "/account/")
    found["account"] = violations(page)
    page.goto(site + "/account/delete/")
    found["delete"] = violations(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(site + "/")
    page.goto(site + "/accounts/login/")
    found["log in"] = violations(page)
    page.goto(site + "/accounts/password-reset/")
    found["password reset"] = violations(page)
    assert {name: lines for name, lines in found.items() if lines} == {}
