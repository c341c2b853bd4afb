"""An editor in a real browser: adds a dated fact, previews, reorders, publishes, and reads lists
and the funnel that fit the screen.

The drag handle and the htmx preview only run in a browser, under the site's strict CSP; widths
are only measured there.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Page, expect

from onboarding.accounts.models import User
from onboarding.guides.models import Guide, Step
from onboarding.journeys.models import Journey, StepProgress

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


@pytest.fixture
def journeys_on_every_step(admin_site):
    """A journey stuck on each step (on its first problem), and the steps before it done."""
    guide = Guide.objects.get(slug="alipay")
    steps = list(guide.steps.order_by("order"))
    for number, stuck_on in enumerate(steps):
        journey = Journey.objects.create(guide=guide, visitor_key=f"visitor-{number}")
        StepProgress.objects.bulk_create(
            [StepProgress(journey=journey, step=step, status="done") for step in steps[:number]]
        )
        StepProgress.objects.create(
            journey=journey, step=stuck_on, status="stuck", problem=stuck_on.problems.first()
        )
    return guide


def log_in(page: Page, site: str) -> None:
    page.goto(site + "/admin/login/")
    page.get_by_label("Email address").fill("editor@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("heading", name="Guides, journeys and where people stop")
    ).to_be_visible()


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_an_editor_fixes_reorders_previews_and_publishes_and_a_visitor_sees_it(
    page: Page, browser, admin_site
):
    problems = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, admin_site)
    prepare = Step.objects.get(slug="prepare")

    # Fix the text, add a dated fact with its source, and preview it before saving.
    page.goto(f"{admin_site}/admin/guides/step/{prepare.pk}/change/")
    page.locator("#id_body").fill("Bring **your passport**. <script>alert(1)</script>")
    page.get_by_role("button", name="Preview the text as typed").click()
    preview = page.locator("#step-preview")
    expect(preview).to_contain_text("not saved yet")
    expect(preview.locator("strong")).to_have_text("your passport")
    assert "alert" not in preview.inner_html()
    page.get_by_role("button", name="Add another Fact").click()
    row = page.locator("#facts-group tr.form-row:not(.empty-form)").last
    row.locator("textarea[name$='-text']").fill("Passports must be valid for **six months**.")
    row.locator("input[name$='-as_of']").fill("2026-11-02")
    row.locator("input[name$='-source_title']").fill("Alipay help centre")
    row.locator("input[name$='-source_url']").fill("https://global.alipay.com/")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Reorder two steps by dragging, and publish a step, on the guide's page.
    page.goto(f"{admin_site}/admin/guides/guide/{prepare.guide_id}/change/")
    rows = page.locator("fieldset.sortable tr.has_original")
    rows.nth(1).locator("td.original p").drag_to(rows.nth(0).locator("td.original p"))
    page.locator("tr.has_original", has_text="email-link").locator(
        "input[name$='-published']"
    ).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # A visitor sees all of it at once.
    visitor = browser.new_page()
    visitor.goto(admin_site + "/guides/alipay/")
    names = visitor.locator(".step-list .step-name > :first-child").all_inner_texts()
    titles = [name.strip().removesuffix("Next").strip() for name in names]
    assert titles[:2] == [
        "Get your passport, phone and card ready",
        "Find out what Alipay can do for you",
    ]
    assert "Check whether you need to confirm an email" in titles
    visitor.get_by_role("link", name="Start now").click()
    expect(visitor).to_have_url(re.compile("/guides/alipay/prepare/$"))
    expect(visitor.locator(".prose").first).to_contain_text("Bring your passport.")
    fact = visitor.locator(".fact", has_text="six months")
    expect(fact).to_contain_text("As of 2 November 2026 · Source: Alipay help centre")
    # No script was blocked by the CSP, and none failed.
    assert problems == []
    visitor.close()


def test_an_editor_sets_needs_with_checkboxes_and_a_loop_is_refused(page: Page, admin_site):
    log_in(page, admin_site)
    sign_up = Step.objects.get(slug="sign-up")

    page.goto(f"{admin_site}/admin/guides/step/{sign_up.pk}/change/")
    needs = page.locator("#id_needs")
    expect(needs.get_by_label("Link an international card")).to_be_visible()
    expect(needs.get_by_label(sign_up.title)).to_have_count(0)  # not itself
    needs.get_by_label("Link an international card").check()  # which needs sign-up
    page.get_by_role("button", name="Save", exact=True).first.click()

    error = page.locator(".field-needs .errorlist")
    expect(error).to_contain_text("would wait for each other")
    assert list(sign_up.needs.all()) == []


@pytest.mark.parametrize(
    ("path", "columns"),
    [
        ("/admin/guides/step/", ["Published", "Last reviewed"]),
        ("/admin/journeys/journey/", ["Completed"]),
    ],
)
def test_the_step_and_journey_lists_fit_1280_px(
    page: Page, admin_site, journeys_on_every_step, path, columns
):
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, admin_site)
    page.goto(admin_site + path)

    assert not scrolls_sideways(page)
    results = page.locator(".results").bounding_box()
    for name in columns:
        box = page.locator("#result_list thead th", has_text=name).bounding_box()
        # Not hidden behind the list's own sideways scroll either.
        assert box["x"] + box["width"] <= results["x"] + results["width"], name
        assert box["x"] + box["width"] <= 1280, name


def test_the_funnel_is_readable_at_375_px(page: Page, admin_site, journeys_on_every_step):
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, admin_site)
    page.get_by_role("link", name=journeys_on_every_step.title).click()

    expect(page.get_by_role("heading", name=re.compile("^Where people stop"))).to_be_visible()
    assert not scrolls_sideways(page)
    # The SVG is drawn at its own size, so its labels keep their 14 px.
    label_size = page.evaluate(
        """() => {
          const chart = document.querySelector("svg.funnel-chart");
          const scale = chart.getBoundingClientRect().width / chart.viewBox.baseVal.width;
          return scale * parseFloat(getComputedStyle(chart.querySelector("text")).fontSize);
        }"""
    )
    assert label_size >= 13
    # Each step's numbers read as labelled lines, the table's cells at a readable size.
    first = page.locator(".funnel-table tbody tr").first
    expect(first.locator("td[data-label='Reached']")).to_be_visible()
    cell_size = first.locator("td").first.evaluate("cell => getComputedStyle(cell).fontSize")
    assert float(cell_size.removesuffix("px")) >= 13
    table = page.locator(".funnel-table").bounding_box()
    assert table["x"] + table["width"] <= 375


def test_the_step_page_inlines_fit_1280_px(page: Page, admin_site):
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, admin_site)
    page.goto(f"{admin_site}/admin/guides/step/{Step.objects.get(slug='sign-up').pk}/change/")

    assert not scrolls_sideways(page)
    for group in ["#problems-group", "#facts-group", "#GlossaryTerm_steps-group"]:
        # No inline hides its last fields or its Delete boxes behind a sideways scroll.
        overflow = page.locator(group).evaluate(
            "group => [...group.querySelectorAll('table, fieldset')]"
            ".some(box => box.scrollWidth > group.clientWidth)"
        )
        assert not overflow, group
    delete = page.locator("#problems-group input[name$='-DELETE']").first.bounding_box()
    group = page.locator("#problems-group").bounding_box()
    assert delete["x"] + delete["width"] <= group["x"] + group["width"]
