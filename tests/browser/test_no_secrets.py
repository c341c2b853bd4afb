"""Drafts keep no secrets: a card number typed before Back is nowhere afterwards, not in the
session table, not in any other table, not in any cache."""

from __future__ import annotations

import base64
import pickle
import re
from importlib import import_module

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from playwright.sync_api import Browser, expect

from onboarding.journeys.models import StepProgress
from tests.browser.walk import step_url

CARD = "4111 1111 1111 1111"
DIGITS = CARD.replace(" ", "")


def sessions() -> list[dict]:
    """Every session in the django_session table, decoded as Django reads it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_data FROM django_session")
        return [store().decode(data) for (data,) in cursor.fetchall()]


def every_table() -> str:
    """Every row of every table, as text."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)


def _unpickled(value) -> str:
    try:
        return repr(pickle.loads(value))  # noqa: S301 (our own cache, written by this test's server)
    except Exception:
        return repr(value)


def every_cache_entry() -> str:
    """Every value in every configured cache, unpickled where it was pickled."""
    dump = []
    for alias in settings.CACHES:
        cache = caches[alias]
        kind = type(cache).__name__
        if kind == "LocMemCache":
            dump.extend(_unpickled(value) for value in list(cache._cache.values()))
        elif kind == "RedisCache":
            client = cache._cache.get_client()
            for key in client.scan_iter():
                if client.type(key) == b"string":
                    dump.append(_unpickled(client.get(key)))
        elif kind == "DatabaseCache":
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT value FROM {connection.ops.quote_name(cache._table)}")
                dump.extend(_unpickled(base64.b64decode(value)) for (value,) in cursor.fetchall())
        else:
            raise AssertionError(f"cannot look inside a {kind} cache")
    return "\n".join(dump)


def has_the_digits(text: str) -> bool:
    return DIGITS in re.sub(r"[\s\-.]", "", text) or CARD in text


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_back_with_a_card_number_typed_leaves_no_trace_of_it(browser: Browser, site, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()

    # A choice typed before Back is kept as a draft (so the session is really written to)...
    page.goto(step_url(site, "protect-account"))
    page.locator("input[value=fingerprint]").check()
    page.get_by_role("button", name="Back", exact=True).click()
    expect(page).to_have_url(step_url(site, "verify-passport"))

    # ...but a card number typed into the phone step's number box is not, nor anywhere else.
    page.goto(step_url(site, "sign-up"))
    page.get_by_label("Mobile number").fill(CARD)
    page.get_by_role("button", name="Back", exact=True).click()
    expect(page).to_have_url(step_url(site, "install"))
    expect(page.locator("h1")).to_have_text("Install the Alipay app and choose English")

    decoded = sessions()
    assert decoded, "no session was written: the draft check proves nothing"
    assert "fingerprint" in repr(decoded)
    assert not has_the_digits(repr(decoded))
    assert not has_the_digits(every_table())
    assert not has_the_digits(every_cache_entry())

    # And the person sees the same: the number box is empty again, the choice is still there.
    page.goto(step_url(site, "sign-up"))
    expect(page.get_by_label("Mobile number")).to_have_value("")
    page.goto(step_url(site, "protect-account"))
    expect(page.locator("input[value=fingerprint]")).to_be_checked()
    context.close()


def test_the_phone_check_answers_on_the_page_and_keeps_no_number(browser: Browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(step_url(site, "sign-up"))
    page.get_by_label("Mobile number").fill("+44 7911 123456")  # no country needed with +44
    page.get_by_role("button", name="Check", exact=True).click()
    result = page.locator(".check-result")
    expect(result).to_contain_text("Pick +44")
    expect(result).to_contain_text("type 7911 123456")
    assert not StepProgress.objects.filter(step__slug="sign-up", status="done").exists()

    page.get_by_role("button", name="I've done this").click()
    page.wait_for_url(lambda url: "sign-up" not in url)
    assert StepProgress.objects.get(step__slug="sign-up").status == "done"
    for text in (repr(sessions()), every_table(), every_cache_entry()):
        assert "7911123456" not in re.sub(r"[\s\-.]", "", text)
    context.close()
