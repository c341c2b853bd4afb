"""The editors' admin: who may enter, editing, reordering, preview, freshness and deletion."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.utils import timezone

from onboarding.accounts.models import User
from onboarding.guides.models import ChecklistItem, GlossaryTerm, Guide, Source, Step
from onboarding.journeys.models import StepProgress
from tests.admin_forms import change_form_data
from tests.factories import post_step

pytestmark = pytest.mark.django_db

XSS = (
    "Safe **text** <script>alert(1)</script> [click](javascript:alert(1)) "
    '<a href="#" onclick="alert(1)">x</a> <img src=x onerror="alert(1)"> '
    '<iframe src="https://evil.example"></iframe>'
)


def step_url(step: Step, view: str = "change") -> str:
    return f"/admin/onboarding/step/{step.pk}/{view}/"


def guide_url(guide: Guide) -> str:
    return f"/admin/onboarding/guide/{guide.pk}/change/"


def save_step(client, step: Step, **changes):
    """Open a step's change form as an editor would and save it with these changes."""
    data = change_form_data(client.get(step_url(step)))
    data.update(changes)
    return client.post(step_url(step), data)


def wizard_titles(client, guide_slug: str = "alipay") -> list[str]:
    response = client.get(f"/guides/{guide_slug}/")
    return [state.step.title for state in response.context["progress"].states]


# --- Who may enter -------------------------------------------------------------------------------


def test_a_user_in_no_group_cannot_reach_the_admin(client, alipay):
    client.force_login(User.objects.create_user("person@example.com"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_in_no_group_cannot_open_the_content_admin(client, alipay):
    user = User.objects.create_user("staff@example.com", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/onboarding/step/").status_code == 403
    assert client.get(guide_url(alipay)).status_code == 403


def test_the_editor_cannot_open_the_user_admin(editor_client, editor):
    assert editor_client.get("/admin/accounts/user/").status_code == 403
    assert editor_client.get(f"/admin/accounts/user/{editor.pk}/change/").status_code == 403
    assert "accounts/user" not in editor_client.get("/admin/").text


def test_the_editors_group_may_edit_content_and_view_journeys_only(editor):
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    for model in ["guide", "step", "checklistitem", "glossaryterm", "source"]:
        assert {f"add_{model}", f"change_{model}", f"delete_{model}"} <= codenames
    assert {"view_journey", "view_stepprogress"} <= codenames
    assert not {"change_journey", "delete_journey", "view_sharelink"} & codenames
    assert not any(name.endswith(("_user", "_group", "_permission")) for name in codenames)
    assert not editor.is_superuser


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/onboarding/guide/",
        "/admin/onboarding/guide/add/",
        "/admin/onboarding/step/",
        "/admin/onboarding/step/add/",
        "/admin/onboarding/glossaryterm/",
        "/admin/onboarding/journey/",
    ],
)
def test_the_editor_reaches_every_content_page(editor_client, alipay, url):
    assert editor_client.get(url).status_code == 200


def test_admin_pages_load_only_static_files_that_exist(editor_client, steps):
    # django-admin-sortable2 names files per Django version; a missing one breaks the page.
    for url in [guide_url(steps["prepare"].guide), step_url(steps["prepare"])]:
        media = editor_client.get(url).context["media"]
        assets = [*media._js, *(css for paths in media._css.values() for css in paths)]
        paths = [getattr(asset, "_path", asset) for asset in assets]
        assert any(path.startswith("adminsortable2/js/adminsortable2") for path in paths)
        assert "admin/js/core.js" in paths
        assert [path for path in paths if not finders.find(path)] == []


# --- Editing content -----------------------------------------------------------------------------


def test_an_editors_change_to_title_and_body_shows_on_the_next_request(
    editor_client, client, steps
):
    step = steps["about-alipay"]
    assert "What Alipay is" not in client.get(step.get_absolute_url()).text  # cache is warm

    response = save_step(editor_client, step, title="What Alipay is, today", body="Now **fresh**.")

    assert response.status_code == 302
    page = client.get(step.get_absolute_url()).text
    assert "What Alipay is, today" in page
    assert "Now <strong>fresh</strong>." in page


def test_xss_payloads_in_markdown_are_stripped_on_save(editor_client, client, steps):
    step = steps["about-alipay"]
    save_step(editor_client, step, body=XSS, troubleshooting=XSS)

    step.refresh_from_db()
    for html in (step.body_html, step.troubleshooting_html):
        for payload in (
            "<script",
            "alert(1)",
            "javascript:",
            "onclick",
            "onerror",
            "<iframe",
            "<img",
        ):
            assert payload not in html
    page = client.get(step.get_absolute_url()).text
    assert "Safe <strong>text</strong>" in page
    assert "alert(1)" not in page


def test_a_duplicate_step_slug_in_a_guide_is_a_form_error(editor_client, steps):
    response = save_step(editor_client, steps["prepare"], slug="about-alipay")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["slug"]
    assert "Another step of this guide" in errors["slug"][0]
    assert Step.objects.get(pk=steps["prepare"].pk).slug == "prepare"


def test_a_reserved_step_slug_is_a_form_error(editor_client, steps):
    response = save_step(editor_client, steps["prepare"], slug="done")
    assert response.status_code == 200
    assert "taken by the guide's own pages" in response.context["adminform"].form.errors["slug"][0]


@pytest.mark.parametrize("field", ["form_kind", "condition"])
def test_an_unknown_registry_name_cannot_be_saved(editor_client, steps, field):
    response = save_step(editor_client, steps["prepare"], **{field: "no_such_name"})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


def test_a_new_step_added_in_admin_goes_last(editor_client, client, alipay):
    data = {
        "guide": alipay.pk, "title": "A new last step", "slug": "new-last", "summary": "New.",
        "published": "on", "body": "Do it.", "troubleshooting": "", "estimated_minutes": "2",
        "form_kind": "read", "condition": "always",
        "checklist_items-TOTAL_FORMS": "0", "checklist_items-INITIAL_FORMS": "0",
        "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0",
        "GlossaryTerm_steps-TOTAL_FORMS": "0", "GlossaryTerm_steps-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = editor_client.post("/admin/onboarding/step/add/", data)
    assert response.status_code == 302
    assert wizard_titles(client)[-1] == "A new last step"


def test_a_source_added_in_admin_shows_under_the_step_with_its_date(editor_client, client, steps):
    step = steps["about-alipay"]
    data = change_form_data(editor_client.get(step_url(step)))
    index = int(data["sources-TOTAL_FORMS"])
    data.update(
        {
            "sources-TOTAL_FORMS": str(index + 1),
            f"sources-{index}-title": "Alipay help centre",
            f"sources-{index}-url": "https://global.alipay.com/",
            f"sources-{index}-checked_on": "2026-11-02",
        }
    )
    assert editor_client.post(step_url(step), data).status_code == 302
    page = client.get(step.get_absolute_url()).text
    assert "Sources" in page
    assert "Alipay help centre</a>, checked on 2 November 2026" in page


def test_a_glossary_term_linked_from_the_step_shows_on_the_site(editor_client, client, steps):
    step = steps["about-alipay"]
    term = GlossaryTerm.objects.create(guide=step.guide, term="付款码", meaning="Payment code")
    data = change_form_data(editor_client.get(step_url(step)))
    index = int(data["GlossaryTerm_steps-TOTAL_FORMS"])
    data.update(
        {
            "GlossaryTerm_steps-TOTAL_FORMS": str(index + 1),
            f"GlossaryTerm_steps-{index}-glossaryterm": str(term.pk),
        }
    )
    assert editor_client.post(step_url(step), data).status_code == 302
    assert "Payment code" in client.get(step.get_absolute_url()).text


def test_the_step_page_offers_only_glossary_terms_of_its_guide(editor_client, steps):
    other = Guide.objects.create(slug="wechat", title="WeChat Pay", summary="Other.")
    GlossaryTerm.objects.create(guide=other, term="微信", meaning="WeChat")
    response = editor_client.get(step_url(steps["prepare"]))
    formset = response.context["inline_admin_formsets"][2].formset
    terms = formset.form.base_fields["glossaryterm"].queryset
    assert terms.exists()
    assert not terms.filter(guide=other).exists()


# --- Reordering and publishing ------------------------------------------------------------------


def test_reordering_steps_in_the_guide_admin_changes_the_wizard_order(
    editor_client, client, alipay
):
    before = wizard_titles(client)
    data = change_form_data(editor_client.get(guide_url(alipay)))
    # What the drag handle does: swap the first two rows' hidden order fields.
    data["steps-0-order"], data["steps-1-order"] = data["steps-1-order"], data["steps-0-order"]

    assert editor_client.post(guide_url(alipay), data).status_code == 302

    assert wizard_titles(client) == [before[1], before[0], *before[2:]]
    first = Step.objects.get(title=before[1])
    assert client.get(first.get_absolute_url()).status_code == 200
    response = post_step(client, first)
    assert response["Location"] == Step.objects.get(title=before[0]).get_absolute_url()


def test_reordering_checklist_items_changes_their_order_on_the_site(editor_client, client, steps):
    step = steps["prepare"]
    texts = list(step.checklist_items.order_by("order").values_list("text", flat=True))
    data = change_form_data(editor_client.get(step_url(step)))
    data["checklist_items-0-order"], data["checklist_items-2-order"] = (
        data["checklist_items-2-order"],
        data["checklist_items-0-order"],
    )
    assert editor_client.post(step_url(step), data).status_code == 302

    form = client.get(steps["about-alipay"].get_absolute_url())  # reach "prepare" first
    assert form.status_code == 200
    post_step(client, steps["about-alipay"])
    checklist = client.get(step.get_absolute_url()).context["form"]
    labels = [field.label for field in checklist.fields.values()]
    assert labels[:3] == [texts[2], texts[1], texts[0]]


def test_unpublishing_a_step_in_the_guide_admin_leaves_it_out_of_the_wizard(
    editor_client, client, alipay
):
    data = change_form_data(editor_client.get(guide_url(alipay)))
    title = alipay.steps.order_by("order").first().title
    del data["steps-0-published"]
    assert editor_client.post(guide_url(alipay), data).status_code == 302
    assert title not in wizard_titles(client)


def test_unpublish_and_publish_actions_toggle_steps_on_the_site(editor_client, client, steps):
    step = steps["verify-email"]
    action = {"_selected_action": [step.pk], "index": 0}
    editor_client.post("/admin/onboarding/step/", {**action, "action": "unpublish"})
    assert step.title not in wizard_titles(client)
    editor_client.post("/admin/onboarding/step/", {**action, "action": "publish"})
    assert step.title in wizard_titles(client)


def test_unpublishing_a_guide_hides_it_from_visitors(editor_client, client, alipay):
    data = change_form_data(editor_client.get(guide_url(alipay)))
    del data["published"]
    assert editor_client.post(guide_url(alipay), data).status_code == 302
    assert client.get("/guides/alipay/").status_code == 404


# --- Preview -------------------------------------------------------------------------------------


def test_preview_shows_the_sanitised_markdown_to_htmx(editor_client, steps):
    response = editor_client.post(
        "/admin/onboarding/step/preview/",
        {"title": "Draft title", "body": XSS},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="step-preview"')
    assert "Safe <strong>text</strong>" in response.text
    assert "Draft title" in response.text
    for payload in ("<script", "javascript:", "onclick", "onerror", "<iframe", "<img"):
        assert payload not in response.text
    assert "HX-Request" in response["Vary"]


def test_preview_without_javascript_is_a_whole_admin_page(editor_client, steps):
    response = editor_client.post("/admin/onboarding/step/preview/", {"body": "# Hi\n\n**Bold**"})
    assert response.status_code == 200
    assert "<html" in response.text
    assert "<strong>Bold</strong>" in response.text


def test_the_change_form_shows_the_saved_content_and_a_preview_button(editor_client, steps):
    step = steps["prepare"]
    page = editor_client.get(step_url(step)).text
    assert 'formaction="/admin/onboarding/step/preview/"' in page
    assert 'hx-post="/admin/onboarding/step/preview/"' in page
    assert step.body_html in page
    assert "htmx" in page


def test_preview_refuses_get_and_visitors_and_missing_csrf(client, editor, steps):
    url = "/admin/onboarding/step/preview/"
    assert client.post(url, {"body": "x"}).status_code == 302  # to the login page
    client.force_login(editor)
    assert client.get(url).status_code == 405
    client.handler.enforce_csrf_checks = True
    assert client.post(url, {"body": "x"}).status_code == 403


# --- Freshness -----------------------------------------------------------------------------------


def test_mark_reviewed_today_updates_the_line_on_the_site(editor_client, client, steps):
    step = steps["about-alipay"]
    step.last_reviewed = datetime.date(2020, 1, 1)
    step.save()
    assert "Last reviewed on 1 January 2020" in client.get(step.get_absolute_url()).text

    editor_client.post(
        "/admin/onboarding/step/",
        {"action": "mark_reviewed_today", "_selected_action": [step.pk], "index": 0},
    )

    today = timezone.localdate()
    assert Step.objects.get(pk=step.pk).last_reviewed == today
    expected = f"Last reviewed on {today.day} {today:%B %Y}"
    assert expected in client.get(step.get_absolute_url()).text


def test_the_stale_filter_lists_steps_not_reviewed_in_180_days(editor_client, alipay):
    today = timezone.localdate()
    steps = list(alipay.steps.order_by("order")[:3])
    Step.objects.filter(guide=alipay).update(last_reviewed=today)
    Step.objects.filter(pk=steps[0].pk).update(last_reviewed=today - datetime.timedelta(days=181))
    Step.objects.filter(pk=steps[1].pk).update(last_reviewed=None)
    Step.objects.filter(pk=steps[2].pk).update(last_reviewed=today - datetime.timedelta(days=180))

    stale = editor_client.get("/admin/onboarding/step/?review=stale").context["cl"].result_list
    fresh = editor_client.get("/admin/onboarding/step/?review=fresh").context["cl"].result_list

    assert {step.pk for step in stale} == {steps[0].pk, steps[1].pk}
    assert steps[2].pk in {step.pk for step in fresh}
    assert len(fresh) == alipay.steps.count() - 2


# --- Deleting a step that journeys reached -------------------------------------------------------


def test_deleting_a_reached_step_removes_its_progress_and_pages_still_work(
    editor_client, client, steps
):
    for slug in ["about-alipay", "prepare"]:
        post_step(client, steps[slug])
    client.post(
        steps["where-you-are"].get_absolute_url(),
        {"guide_alipay-current_step": "where-you-are", "stuck": "1"},
    )
    doomed = steps["prepare"]
    assert StepProgress.objects.filter(step=doomed).exists()

    response = editor_client.post(step_url(doomed, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert not StepProgress.objects.filter(step_id=doomed.pk).exists()
    assert ChecklistItem.objects.filter(step_id=doomed.pk).count() == 0
    assert Source.objects.filter(step_id=doomed.pk).count() == 0
    for url in [
        "/",
        "/guides/alipay/",
        "/guides/alipay/progress/",
        "/guides/alipay/where-you-are/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/guides/alipay/prepare/").status_code == 404
    assert client.get("/guides/alipay/done/").status_code == 302
    assert post_step(client, steps["where-you-are"]).status_code == 302
    assert (
        editor_client.get(f"/admin/onboarding/guide/{doomed.guide_id}/funnel/").status_code == 200
    )
