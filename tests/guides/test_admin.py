"""The editors' admin: who may enter, editing, reordering, preview, freshness and deletion."""

from __future__ import annotations

import datetime
import html

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.utils import timezone

from onboarding.accounts.models import User
from onboarding.guides.forms import StepAdminForm, find_loop
from onboarding.guides.models import ChecklistItem, Fact, GlossaryTerm, Guide, Problem, Step
from onboarding.guides.selectors import guide_structure
from onboarding.journeys.models import StepProgress
from tests.admin_forms import change_form_data
from tests.factories import management, post_step

pytestmark = pytest.mark.django_db

XSS = (
    "Safe **text** <script>alert(1)</script> [click](javascript:alert(1)) "
    '<a href="#" onclick="alert(1)">x</a> <img src=x onerror="alert(1)"> '
    '<iframe src="https://evil.example"></iframe>'
)
PAYLOADS = ("<script", "alert(1)", "javascript:", "onclick", "onerror", "<iframe", "<img")


def step_url(step: Step, view: str = "change") -> str:
    return f"/admin/guides/step/{step.pk}/{view}/"


def guide_url(guide: Guide) -> str:
    return f"/admin/guides/guide/{guide.pk}/change/"


def save_step(client, step: Step, **changes):
    """Open a step's change form as an editor would and save it with these changes."""
    data = change_form_data(client.get(step_url(step)))
    data.update(changes)
    return client.post(step_url(step), data)


def add_inline_row(data: dict, prefix: str, **fields) -> None:
    """Add one new row to an inline's POST data, as "Add another" does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": value for name, value in fields.items()})


def inline_formset(response, prefix: str):
    """The formset of the inline with this prefix on an admin change page."""
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
    )


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


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
    assert client.get("/admin/guides/step/").status_code == 403
    assert client.get(guide_url(alipay)).status_code == 403


def test_the_editor_cannot_open_the_user_admin(editor_client, editor):
    assert editor_client.get("/admin/accounts/user/").status_code == 403
    assert editor_client.get(f"/admin/accounts/user/{editor.pk}/change/").status_code == 403
    assert "accounts/user" not in editor_client.get("/admin/").text


def test_the_editors_group_may_edit_content_and_view_journeys_only(editor):
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    for model in ["guide", "step", "problem", "checklistitem", "fact", "glossaryterm", "phrase"]:
        assert {f"add_{model}", f"change_{model}", f"delete_{model}"} <= codenames
    assert {"view_journey", "view_stepprogress"} <= codenames
    assert not {"change_journey", "delete_journey", "view_sharelink"} & codenames
    assert not any(name.endswith(("_user", "_group", "_permission")) for name in codenames)
    assert not editor.is_superuser


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/guides/guide/",
        "/admin/guides/guide/add/",
        "/admin/guides/step/",
        "/admin/guides/step/add/",
        "/admin/guides/glossaryterm/",
        "/admin/journeys/journey/",
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
    step = steps["about"]
    assert "What Alipay is, today" not in client.get(step.get_absolute_url()).text  # structure read

    response = save_step(editor_client, step, title="What Alipay is, today", body="Now **fresh**.")

    assert response.status_code == 302
    page = client.get(step.get_absolute_url()).text
    assert "What Alipay is, today" in page
    assert "Now <strong>fresh</strong>." in page


def test_xss_payloads_in_markdown_are_stripped_on_save(editor_client, client, steps):
    step = steps["about"]
    save_step(editor_client, step, body=XSS, **{"problems-0-fix": XSS, "facts-0-text": XSS})

    step.refresh_from_db()
    problem = step.problems.order_by("order", "id").first()
    fact = step.facts.order_by("order", "id").first()
    for rendered in (step.body_html, problem.fix_html, fact.text_html):
        for payload in PAYLOADS:
            assert payload not in rendered
    page = client.get(step.get_absolute_url()).text
    assert "Safe <strong>text</strong>" in page
    assert "alert(1)" not in page


def test_a_duplicate_step_slug_in_a_guide_is_a_form_error(editor_client, steps):
    response = save_step(editor_client, steps["prepare"], slug="about")
    assert response.status_code == 200
    errors = form_errors(response)
    assert list(errors) == ["slug"]
    assert "Another step of this guide" in errors["slug"][0]
    assert Step.objects.get(pk=steps["prepare"].pk).slug == "prepare"


def test_a_reserved_step_slug_is_a_form_error(editor_client, steps):
    response = save_step(editor_client, steps["prepare"], slug="done")
    assert response.status_code == 200
    assert "taken by the guide's own pages" in form_errors(response)["slug"][0]


@pytest.mark.parametrize("field", ["form_kind", "condition"])
def test_an_unknown_registry_name_cannot_be_saved(editor_client, steps, field):
    response = save_step(editor_client, steps["prepare"], **{field: "no_such_name"})
    assert response.status_code == 200
    assert field in form_errors(response)


def new_step_data(guide: Guide, **changes) -> dict:
    """The add form of a step, filled in with a read step at the end of this guide."""
    return {
        "guide": guide.pk, "title": "A new last step", "slug": "new-last", "summary": "New.",
        "published": "on", "body": "Do it.", "estimated_minutes": "2", "original_steps": "",
        "form_kind": "read", "condition": "always",
        "checklist_items-TOTAL_FORMS": "0", "checklist_items-INITIAL_FORMS": "0",
        "problems-TOTAL_FORMS": "0", "problems-INITIAL_FORMS": "0",
        "facts-TOTAL_FORMS": "0", "facts-INITIAL_FORMS": "0",
        "GlossaryTerm_steps-TOTAL_FORMS": "0", "GlossaryTerm_steps-INITIAL_FORMS": "0",
        **changes,
    }  # fmt: skip


def test_a_new_step_added_in_admin_goes_last(editor_client, client, alipay):
    response = editor_client.post("/admin/guides/step/add/", new_step_data(alipay))
    assert response.status_code == 302
    assert wizard_titles(client)[-1] == "A new last step"


def test_a_fact_added_in_admin_shows_under_the_step_with_its_date_and_source(
    editor_client, client, steps
):
    step = steps["protect-account"]  # a step with no facts yet
    data = change_form_data(editor_client.get(step_url(step)))
    add_inline_row(
        data,
        "facts",
        text="Face scan is **optional**.",
        as_of="2026-11-02",
        source_title="Alipay help centre",
        source_url="https://global.alipay.com/",
    )
    assert editor_client.post(step_url(step), data).status_code == 302
    page = client.get(step.get_absolute_url()).text
    assert "Face scan is <strong>optional</strong>." in page
    assert "As of 2 November 2026" in page
    assert '<a href="https://global.alipay.com/" rel="noopener noreferrer">Alipay help centre' in (
        page
    )


def test_a_glossary_term_linked_from_the_step_shows_on_the_site(editor_client, client, steps):
    step = steps["about"]
    term = GlossaryTerm.objects.create(guide=step.guide, term="测试词", meaning="A test word")
    data = change_form_data(editor_client.get(step_url(step)))
    add_inline_row(data, "GlossaryTerm_steps", glossaryterm=str(term.pk))
    assert editor_client.post(step_url(step), data).status_code == 302
    assert "A test word" in client.get(step.get_absolute_url()).text


def test_the_step_page_offers_only_glossary_terms_of_its_guide(editor_client, steps):
    other = Guide.objects.create(slug="wechat", title="WeChat Pay", summary="Other.")
    GlossaryTerm.objects.create(guide=other, term="微信", meaning="WeChat")
    response = editor_client.get(step_url(steps["prepare"]))
    formset = inline_formset(response, "GlossaryTerm_steps")
    terms = formset.form.base_fields["glossaryterm"].queryset
    assert terms.exists()
    assert not terms.filter(guide=other).exists()


# --- Optional, needs and the original article's steps --------------------------------------------


def test_an_optional_step_set_in_admin_offers_skip_on_the_site(editor_client, client, steps):
    step = steps["explore"]
    skip = "Skip: I don't need this"
    assert skip not in client.get(step.get_absolute_url()).text

    assert save_step(editor_client, step, optional="on").status_code == 302

    assert skip in client.get(step.get_absolute_url()).text


def test_needs_are_checkboxes_of_the_same_guides_other_steps(editor_client, steps):
    other = Guide.objects.create(slug="wechat", title="WeChat Pay", summary="Other.")
    Step.objects.create(guide=other, slug="elsewhere", title="Elsewhere", summary=".", body=".")
    step = steps["link-card"]

    form = editor_client.get(step_url(step)).context["adminform"].form
    needs = form.fields["needs"]

    # The admin wraps the widget to add its "+" link.
    assert isinstance(getattr(needs.widget, "widget", needs.widget), forms.CheckboxSelectMultiple)
    offered = set(needs.queryset.values_list("slug", flat=True))
    assert offered == set(steps) - {"link-card"}


def test_needs_set_in_admin_make_the_step_wait_on_the_site(editor_client, client, steps):
    step = steps["protect-account"]
    waiting = "Cannot start yet: first finish Verify your passport when the app asks"
    assert waiting not in client.get(step.get_absolute_url()).text

    response = save_step(editor_client, step, needs=[str(steps["verify-passport"].pk)])

    assert response.status_code == 302
    assert waiting in client.get(step.get_absolute_url()).text


def test_a_dependency_loop_is_refused_with_a_message_on_the_field(editor_client, steps):
    sign_up = steps["sign-up"]  # link-card already needs sign-up
    response = save_step(editor_client, sign_up, needs=[str(steps["link-card"].pk)])

    assert response.status_code == 200
    errors = form_errors(response)
    assert list(errors) == ["needs"]
    assert "would wait for each other" in errors["needs"][0]
    assert "Link an international card" in errors["needs"][0]
    assert list(sign_up.needs.all()) == []


def test_a_loop_through_several_steps_is_refused(editor_client, steps):
    steps["protect-account"].needs.set([steps["link-card"]])  # link-card needs sign-up
    response = save_step(editor_client, steps["sign-up"], needs=[str(steps["protect-account"].pk)])

    assert response.status_code == 200
    message = form_errors(response)["needs"][0]
    titles = [steps[slug].title for slug in ["sign-up", "protect-account", "link-card", "sign-up"]]
    assert " → ".join(titles) in message


def test_a_step_cannot_need_itself(steps):
    step = steps["explore"]
    form = StepAdminForm(instance=step)
    assert step not in form.fields["needs"].queryset


def test_needs_without_a_loop_are_saved(editor_client, steps):
    response = save_step(editor_client, steps["explore"], needs=[str(steps["first-payment"].pk)])
    assert response.status_code == 302
    assert list(steps["explore"].needs.all()) == [steps["first-payment"]]


def test_a_new_step_may_need_steps_and_no_loop_can_run_through_it(editor_client, alipay, steps):
    data = new_step_data(alipay, needs=[str(steps["link-card"].pk)])
    assert editor_client.post("/admin/guides/step/add/", data).status_code == 302
    new = Step.objects.get(slug="new-last")
    assert list(new.needs.all()) == [steps["link-card"]]

    # Nothing needed the new step before it existed; needing it back now is a loop.
    response = save_step(editor_client, steps["sign-up"], needs=[str(new.pk)])
    assert "would wait for each other" in form_errors(response)["needs"][0]


class NeedsReadOnce(dict):
    """A step's needs, which fail the test when the same step's needs are read twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read: set[int] = set()

    def get(self, key, default=None):
        assert key not in self.read, f"the needs of step {key} were read twice"
        self.read.add(key)
        return super().get(key, default)


def test_the_loop_check_reads_each_steps_needs_once_however_many_paths_reach_it():
    # Step n needs steps n + 1 and n + 2: about 10**8 paths run from step 0 to step 39.
    edges = NeedsReadOnce({number: [number + 1, number + 2] for number in range(38)})
    assert find_loop(0, edges) == []
    assert edges.read == set(range(40))


def test_the_loop_check_names_the_steps_around_the_loop():
    edges = {1: [2], 2: [3, 5], 3: [4], 4: [1], 5: []}
    assert find_loop(1, edges) == [1, 2, 3, 4, 1]
    assert find_loop(5, edges) == []
    assert find_loop(7, {7: [7]}) == [7, 7]


def test_a_step_cannot_need_a_step_of_another_guide(alipay, steps):
    other = Guide.objects.create(slug="wechat", title="WeChat Pay", summary="Other.")
    elsewhere = Step.objects.create(
        guide=other, slug="elsewhere", title="Elsewhere", summary=".", body="."
    )
    form = StepAdminForm(data={"guide": alipay.pk, "needs": [elsewhere.pk]})
    form.fields["needs"].queryset = Step.objects.all()
    form.full_clean()
    assert form.errors["needs"] == ["A step can only need steps of its own guide."]


def test_original_steps_set_in_admin_show_on_the_site(editor_client, client, steps):
    step = steps["explore"]
    assert save_step(editor_client, step, original_steps="4, 6").status_code == 302
    assert Step.objects.get(pk=step.pk).original_steps == "4, 6"
    assert "In the original guide: step 4 and 6" in client.get(step.get_absolute_url()).text


@pytest.mark.parametrize("value", ["11", "4; 6", "four"])
def test_original_steps_outside_0_to_10_are_refused(editor_client, steps, value):
    response = save_step(editor_client, steps["explore"], original_steps=value)
    assert response.status_code == 200
    assert "0 to 10" in form_errors(response)["original_steps"][0]


# --- Problems, facts and phrases -----------------------------------------------------------------


def test_the_step_page_has_sortable_problems_and_facts(editor_client, steps):
    response = editor_client.get(step_url(steps["sign-up"]))
    problems = inline_formset(response, "problems")
    facts = inline_formset(response, "facts")
    assert len(problems.initial_forms) == 4
    assert len(facts.initial_forms) == 2
    assert {"summary", "fix", "order"} <= set(problems.form.base_fields)
    assert {"text", "as_of", "source_title", "source_url", "order"} <= set(facts.form.base_fields)
    assert 'id="problems-group"' in response.text
    assert 'id="facts-group"' in response.text


def test_a_problem_added_in_admin_is_offered_on_im_stuck(editor_client, client, steps):
    step = steps["install"]
    data = change_form_data(editor_client.get(step_url(step)))
    add_inline_row(data, "problems", summary="The store says it is not available", fix="Try **X**.")
    assert editor_client.post(step_url(step), data).status_code == 302

    problem = Problem.objects.get(summary="The store says it is not available")
    assert problem.fix_html == "<p>Try <strong>X</strong>.</p>"
    page = client.get(step.get_absolute_url()).text
    assert f'value="{problem.pk}"' in page
    stuck = client.post(
        step.get_absolute_url(), {**management(step.slug), "stuck": "1", "problem": problem.pk}
    )
    assert "Try <strong>X</strong>." in client.get(stuck["Location"]).text


def test_reordering_problems_changes_their_order_on_im_stuck(editor_client, client, steps):
    step = steps["install"]
    summaries = list(step.problems.order_by("order").values_list("summary", flat=True))
    data = change_form_data(editor_client.get(step_url(step)))
    data["problems-0-order"], data["problems-2-order"] = (
        data["problems-2-order"],
        data["problems-0-order"],
    )
    assert editor_client.post(step_url(step), data).status_code == 302

    structure = guide_structure(guide=step.guide)
    shown = [problem.summary for problem in structure.step("install").problems]
    assert shown == [summaries[2], summaries[1], summaries[0]]


def test_reordering_facts_changes_their_order_on_the_step(editor_client, client, steps):
    step = steps["sign-up"]
    texts = list(step.facts.order_by("order").values_list("text_html", flat=True))
    data = change_form_data(editor_client.get(step_url(step)))
    data["facts-0-order"], data["facts-1-order"] = data["facts-1-order"], data["facts-0-order"]
    assert editor_client.post(step_url(step), data).status_code == 302

    page = client.get(step.get_absolute_url()).text
    assert page.index(texts[1]) < page.index(texts[0])


def test_the_guide_page_has_sortable_phrases_that_save(editor_client, alipay):
    response = editor_client.get(guide_url(alipay))
    phrases = inline_formset(response, "phrases")
    count = len(phrases.initial_forms)
    assert count >= 2
    assert 'id="phrases-group"' in response.text

    data = change_form_data(response)
    data["phrases-0-order"], data["phrases-1-order"] = (
        data["phrases-1-order"],
        data["phrases-0-order"],
    )
    add_inline_row(data, "phrases", chinese="谢谢", pinyin="xièxie", english="Thank you")
    assert editor_client.post(guide_url(alipay), data).status_code == 302

    before = [phrases.initial_forms[i].instance.english for i in range(count)]
    english = [phrase.english for phrase in guide_structure(guide=alipay).phrases]
    assert english[:2] == [before[1], before[0]]
    assert "Thank you" in english
    assert alipay.phrases.count() == count + 1


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
    # The suggested next step is now the one that was first.
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

    checklist = client.get(step.get_absolute_url()).context["form"]
    labels = [field.label for field in checklist.fields.values()]
    assert [label.removesuffix(" (optional)") for label in labels[:3]] == [
        texts[2],
        texts[1],
        texts[0],
    ]


def test_unpublishing_a_step_in_the_guide_admin_leaves_it_out_of_the_wizard(
    editor_client, client, alipay
):
    data = change_form_data(editor_client.get(guide_url(alipay)))
    title = alipay.steps.order_by("order").first().title
    del data["steps-0-published"]
    assert editor_client.post(guide_url(alipay), data).status_code == 302
    assert title not in wizard_titles(client)


def test_unpublish_and_publish_actions_toggle_steps_on_the_site(editor_client, client, steps):
    step = steps["email-link"]
    action = {"_selected_action": [step.pk], "index": 0}
    editor_client.post("/admin/guides/step/", {**action, "action": "unpublish"})
    assert step.title not in wizard_titles(client)
    editor_client.post("/admin/guides/step/", {**action, "action": "publish"})
    assert step.title in wizard_titles(client)


def test_unpublishing_a_guide_hides_it_from_visitors(editor_client, client, alipay):
    data = change_form_data(editor_client.get(guide_url(alipay)))
    del data["published"]
    assert editor_client.post(guide_url(alipay), data).status_code == 302
    assert client.get("/guides/alipay/").status_code == 404


# --- Preview -------------------------------------------------------------------------------------


def test_preview_shows_the_sanitised_markdown_to_htmx(editor_client, steps):
    response = editor_client.post(
        "/admin/guides/step/preview/",
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
    response = editor_client.post("/admin/guides/step/preview/", {"body": "# Hi\n\n**Bold**"})
    assert response.status_code == 200
    assert "<html" in response.text
    assert "<strong>Bold</strong>" in response.text


def test_the_change_form_shows_the_saved_content_and_a_preview_button(editor_client, steps):
    step = steps["prepare"]
    page = editor_client.get(step_url(step)).text
    assert 'formaction="/admin/guides/step/preview/"' in page
    assert 'data-hx-post="/admin/guides/step/preview/"' in page
    assert step.body_html in page
    assert "htmx" in page


def test_preview_refuses_get_and_visitors_and_missing_csrf(client, editor, steps):
    url = "/admin/guides/step/preview/"
    assert client.post(url, {"body": "x"}).status_code == 302  # to the login page
    client.force_login(editor)
    assert client.get(url).status_code == 405
    client.handler.enforce_csrf_checks = True
    assert client.post(url, {"body": "x"}).status_code == 403


# --- Freshness -----------------------------------------------------------------------------------


def test_mark_reviewed_today_updates_the_line_on_the_site(editor_client, client, steps):
    step = steps["about"]
    step.last_reviewed = datetime.date(2020, 1, 1)
    step.save()
    assert "Last checked against the app on 1 January 2020" in (
        client.get(step.get_absolute_url()).text
    )

    editor_client.post(
        "/admin/guides/step/",
        {"action": "mark_reviewed_today", "_selected_action": [step.pk], "index": 0},
    )

    today = timezone.localdate()
    assert Step.objects.get(pk=step.pk).last_reviewed == today
    expected = f"Last checked against the app on {today.day} {today:%B %Y}"
    assert expected in client.get(step.get_absolute_url()).text


def test_the_stale_filter_lists_steps_not_reviewed_in_180_days(editor_client, alipay):
    today = timezone.localdate()
    steps = list(alipay.steps.order_by("order")[:3])
    Step.objects.filter(guide=alipay).update(last_reviewed=today)
    Step.objects.filter(pk=steps[0].pk).update(last_reviewed=today - datetime.timedelta(days=181))
    Step.objects.filter(pk=steps[1].pk).update(last_reviewed=None)
    Step.objects.filter(pk=steps[2].pk).update(last_reviewed=today - datetime.timedelta(days=180))

    stale = editor_client.get("/admin/guides/step/?review=stale").context["cl"].result_list
    fresh = editor_client.get("/admin/guides/step/?review=fresh").context["cl"].result_list

    assert {step.pk for step in stale} == {steps[0].pk, steps[1].pk}
    assert steps[2].pk in {step.pk for step in fresh}
    assert len(fresh) == alipay.steps.count() - 2


# --- Lists, labels and lookups -------------------------------------------------------------------


def test_the_admin_names_the_portal(editor_client, alipay):
    page = editor_client.get("/admin/").text
    assert "Step by step: editors" in page
    assert "Django administration" not in page
    assert "Django site admin" not in page


def test_the_step_list_shows_only_the_columns_that_fit(editor_client, alipay):
    columns = editor_client.get("/admin/guides/step/").context["cl"].list_display
    assert list(columns) == [
        "action_checkbox", "title", "form_kind", "optional", "published", "last_reviewed", "fresh",
    ]  # fmt: skip


def test_help_texts_say_what_problems_and_steps_do(editor_client, steps):
    page = html.unescape(editor_client.get(step_url(steps["sign-up"])).text)
    assert "troubleshooting" not in page.lower()
    assert "shows only" not in page
    assert "“I'm stuck” lists these; the fix of the one chosen opens in place" in page
    # Glossary link rows are headed by their term, not by Django's name for the link model.
    assert "GlossaryTerm_steps object" not in page
    # Headings nest whatever level the editor types (guides/markdown.py), and the help says so.
    assert "Headings start at" not in page
    assert "Use any heading level" in page
    assert "Adds a “Skip: I don't need this” button" in page


@pytest.mark.parametrize(
    "query",
    [
        "?body__contains=passport",
        "?guide__title=x",
        "?needs__slug=sign-up",
        "?progress__status=stuck",
    ],
)
def test_the_step_list_refuses_lookups_that_are_not_its_filters(editor_client, alipay, query):
    assert editor_client.get("/admin/guides/step/" + query).status_code == 400


@pytest.mark.parametrize(
    "query",
    ["", "?review=stale", "?published__exact=1", "?optional__exact=0", "?form_kind__exact=read"],
)
def test_the_step_list_keeps_its_declared_filters(editor_client, alipay, query):
    assert editor_client.get("/admin/guides/step/" + query).status_code == 200


def test_the_step_list_filters_by_guide(editor_client, alipay):
    response = editor_client.get(f"/admin/guides/step/?guide__id__exact={alipay.pk}")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == alipay.steps.count()


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/admin/guides/guide/", "?summary__contains=a"),
        ("/admin/guides/glossaryterm/", "?pinyin=x"),
    ],
)
def test_other_content_lists_refuse_undeclared_lookups(editor_client, alipay, url, query):
    assert editor_client.get(url + query).status_code == 400


# --- Deleting a step that journeys reached -------------------------------------------------------


def test_deleting_a_reached_step_removes_its_progress_and_pages_still_work(
    editor_client, client, steps
):
    for slug in ["about", "prepare"]:
        post_step(client, steps[slug])
    install = steps["install"]
    client.post(
        install.get_absolute_url(), {**management("install"), "stuck": "1", "problem": "other"}
    )
    doomed = steps["prepare"]
    assert StepProgress.objects.filter(step=doomed).exists()

    response = editor_client.post(step_url(doomed, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert not StepProgress.objects.filter(step_id=doomed.pk).exists()
    assert ChecklistItem.objects.filter(step_id=doomed.pk).count() == 0
    assert Fact.objects.filter(step_id=doomed.pk).count() == 0
    assert Problem.objects.filter(step_id=doomed.pk).count() == 0
    for url in ["/", "/guides/alipay/", "/guides/alipay/progress/", "/guides/alipay/install/"]:
        assert client.get(url).status_code == 200, url
    # No longer a step of the guide: formtools sends the address to the first step.
    assert client.get("/guides/alipay/prepare/")["Location"] == "/guides/alipay/about/"
    assert client.get("/guides/alipay/done/").status_code == 302
    assert post_step(client, install).status_code == 302
    assert editor_client.get(f"/admin/guides/guide/{doomed.guide_id}/funnel/").status_code == 200
