"""Guide content: seeding, Markdown sanitising, and the cached structure's versioning."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from onboarding.guides.markdown import render_markdown
from onboarding.guides.models import ChecklistItem, Fact, GlossaryTerm, Guide, Phrase, Problem, Step
from onboarding.guides.selectors import guide_structure
from tests.factories import alipay_data

pytestmark = pytest.mark.django_db


def counts():
    models = (Guide, Step, ChecklistItem, Problem, Fact, GlossaryTerm, Phrase)
    return tuple(model.objects.count() for model in models)


def test_seed_guides_loads_the_whole_alipay_guide():
    call_command("seed_guides")
    guide = Guide.objects.get(slug="alipay")
    data = alipay_data()
    assert guide.published
    assert guide.steps.count() == len(data["steps"]) >= 11
    assert guide.glossary_terms.count() == len(data["glossary"]) >= 21
    assert guide.phrases.count() == len(data["guide"]["phrases"]) >= 1
    for step in guide.steps.all():
        assert step.problems.exists(), step.slug
        assert all(problem.fix_html for problem in step.problems.all())
    assert Fact.objects.filter(step__guide=guide).exclude(text_html="").count() >= 1
    assert guide.steps.get(slug="vpn").condition == "outside_mainland_china"
    assert guide.steps.get(slug="vpn").optional
    assert [step.slug for step in guide.steps.get(slug="link-card").needs.all()] == ["sign-up"]
    assert guide.steps.get(slug="sign-up").original_steps == "4, 6"
    assert guide.ready_to_pay_html


def test_seed_guides_twice_changes_nothing_and_keeps_an_edited_title():
    call_command("seed_guides")
    step = Step.objects.get(slug="prepare")
    step.title = "Edited by an editor"
    step.save()
    before = counts()
    call_command("seed_guides")
    assert counts() == before
    assert Step.objects.get(slug="prepare").title == "Edited by an editor"


def test_body_html_is_rendered_and_sanitised_on_save(alipay):
    step = alipay.steps.first()
    step.body = (
        "Hello **there** <script>alert(1)</script> [x](javascript:alert(1)) "
        '<img src=x onerror="alert(1)"> <iframe src="https://evil.example"></iframe>'
    )
    step.save()
    html = Step.objects.get(pk=step.pk).body_html
    assert "<strong>there</strong>" in html
    for payload in ("<script", "javascript:", "onerror", "<iframe", "<img"):
        assert payload not in html


def test_markdown_keeps_links_and_lists():
    html = render_markdown("- one\n- [two](https://example.com)")
    assert "<li>one</li>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">two</a>' in html


def test_markdown_headings_nest_under_the_pages_own_heading():
    html = render_markdown("# Top\n\n### Below\n\nText")
    assert html.startswith("<h2>Top</h2>")
    assert "<h3>Below</h3>" in html
    assert "<h1" not in html


def test_saving_a_step_renews_the_guide_version_so_the_next_request_sees_it(client, alipay):
    client.get("/guides/alipay/")
    old_version = Guide.objects.get(pk=alipay.pk).content_version
    step = alipay.steps.get(slug="about")
    step.title = "A new title"
    step.save()
    guide = Guide.objects.get(pk=alipay.pk)
    assert guide.content_version != old_version
    assert guide_structure(guide=guide).steps[0].title == "A new title"
    assert "A new title" in client.get("/guides/alipay/").text


@pytest.mark.parametrize("model", [ChecklistItem, Problem, Fact, Phrase])
def test_editing_a_steps_or_guides_parts_renews_the_guide_version(alipay, model):
    old_version = Guide.objects.get(pk=alipay.pk).content_version
    row = model.objects.order_by("pk").first()
    row.save()
    assert Guide.objects.get(pk=alipay.pk).content_version != old_version
