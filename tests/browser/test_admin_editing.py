"""An editor in a real browser: fixes a fact with its source, previews, reorders, publishes.

The drag handle and the htmx preview only run in a browser, under the site's strict CSP.
Runs Debian's Chromium (/usr/bin/chromium or CHROMIUM_PATH) against pytest-django's live server.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from onboarding.accounts.models import User
from onboarding.models import Step
from tests.factories import seed_alipay

# Playwright's sync API runs an event loop in this thread; the ORM calls around it stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "correct horse battery staple"

# serialized_rollback brings back the Editors group (made by a migration) for later tests.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (or set CHROMIUM_PATH)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture
def admin_site(live_server, settings):
    """The live server with the Alipay guide, one unpublished step, and an editor's account."""
    settings.SECURE_SSL_REDIRECT = False
    seed_alipay()
    Step.objects.filter(slug="verify-email").update(published=False)
    editor = User.objects.create_user("editor@example.com", PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    return live_server.url


def log_in(page: Page, site: str) -> None:
    page.goto(site + "/admin/login/")
    page.get_by_label("Email address").fill("editor@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_an_editor_fixes_reorders_previews_and_publishes_and_a_visitor_sees_it(
    page: Page, browser, admin_site
):
    problems = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, admin_site)
    prepare = Step.objects.get(slug="prepare")

    # Fix a fact, with its source, and preview it before saving.
    page.goto(f"{admin_site}/admin/onboarding/step/{prepare.pk}/change/")
    page.locator("#id_body").fill("Bring **your passport**. <script>alert(1)</script>")
    page.get_by_role("button", name="Preview the text as typed").click()
    preview = page.locator("#step-preview")
    expect(preview).to_contain_text("not saved yet")
    expect(preview.locator("strong")).to_have_text("your passport")
    assert "alert" not in preview.inner_html()
    page.get_by_role("link", name="Add another Source").click()
    row = page.locator("#sources-group tr.form-row:not(.empty-form)").last
    row.locator("input[name$='-title']").fill("Alipay help centre")
    row.locator("input[name$='-url']").fill("https://global.alipay.com/")
    row.locator("input[name$='-checked_on']").fill("2026-11-02")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Reorder two steps by dragging, and publish a step, on the guide's page.
    page.goto(f"{admin_site}/admin/onboarding/guide/{prepare.guide_id}/change/")
    rows = page.locator("fieldset.sortable tr.has_original")
    rows.nth(1).locator("td.original p").drag_to(rows.nth(0).locator("td.original p"))
    page.locator("tr.has_original", has_text="Verify your email address").locator(
        "input[name$='-published']"
    ).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # A visitor sees all of it at once.
    visitor = browser.new_page()
    visitor.goto(admin_site + "/guides/alipay/")
    titles = visitor.locator(".step-list .step-name").all_inner_texts()
    assert [title.strip() for title in titles[:2]] == [
        "Prepare what you need",
        "Learn what Alipay is",
    ]
    assert "Verify your email address" in [title.strip() for title in titles]
    visitor.get_by_role("link", name="Start now").click()
    expect(visitor).to_have_url(re.compile("/guides/alipay/prepare/$"))
    expect(visitor.locator(".prose").first).to_contain_text("Bring your passport.")
    expect(visitor.locator(".sources")).to_contain_text(
        "Alipay help centre, checked on 2 November 2026"
    )
    # No script was blocked by the CSP, and none failed.
    assert problems == []
    visitor.close()
