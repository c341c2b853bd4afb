"""An editor in a real browser: fixes a fact with its source, previews, reorders, publishes.

The drag handle and the htmx preview only run in a browser, under the site's strict CSP.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Page, expect

from onboarding.accounts.models import User
from onboarding.guides.models import Step

PASSWORD = "correct horse battery staple"

editors_group = importlib.import_module("onboarding.guides.migrations.0002_create_editors_group")


@pytest.fixture
def admin_site(site):
    """The live site with one step unpublished, and an editor's account."""
    Step.objects.filter(slug="email-link").update(published=False)
    # Browser tests flush the database between tests, migrated rows too: give the group back
    # the permissions its migration gives it.
    group, _ = Group.objects.get_or_create(name=editors_group.EDITORS)
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in editors_group.editor_permissions()
    )
    editor = User.objects.create_user("editor@example.com", PASSWORD, is_staff=True)
    editor.groups.add(group)
    return site


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
    page.get_by_role("button", name="Add another Source").click()
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
