"""The Alipay guide as seeded: today's path first, every original step kept and marked, facts
dated and sourced, problems with fixes, a glossary, and seeding that respects editors."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from onboarding.guides.management.commands.seed_guides import seed_guide
from onboarding.guides.models import Fact, GlossaryTerm, Step
from tests.factories import alipay_data

pytestmark = pytest.mark.django_db


def ordered(alipay) -> list[Step]:
    return list(alipay.steps.order_by("order"))


def test_today_s_path_comes_first_install_then_sign_up_with_the_sms_code_in_it(alipay):
    slugs = [step.slug for step in ordered(alipay)]
    assert slugs[:4] == ["about", "prepare", "install", "sign-up"]
    sign_up = alipay.steps.get(slug="sign-up")
    assert sign_up.original_step_numbers == (4, 6)  # create the account; the SMS code
    assert "SMS" in sign_up.body or "text message" in sign_up.body


def test_every_step_of_the_original_article_is_in_the_guide(alipay):
    carried = {number for step in ordered(alipay) for number in step.original_step_numbers}
    assert carried == set(range(11))


@pytest.mark.parametrize("slug", ["vpn", "email-link", "chinese-on-screen"])
def test_the_steps_today_s_sources_call_unneeded_are_optional_and_dated(alipay, slug):
    step = alipay.steps.get(slug=slug)
    assert step.optional
    assert step.original_step_numbers
    assert step.facts.exists()


def test_no_required_step_is_one_the_facts_call_unneeded(alipay):
    required = [step.slug for step in ordered(alipay) if not step.optional]
    assert not {"vpn", "email-link", "chinese-on-screen"} & set(required)


def test_every_fact_has_a_date_and_a_source_page_not_a_home_page(alipay):
    facts = Fact.objects.filter(step__guide=alipay)
    assert facts.count() >= 15
    for fact in facts:
        assert fact.as_of is not None
        assert urlsplit(fact.source_url).path.strip("/"), fact.source_url


def test_every_step_has_at_least_two_problems_with_fixes(alipay):
    for step in ordered(alipay):
        problems = list(step.problems.all())
        assert len(problems) >= 2, step.slug
        assert all(problem.summary and problem.fix_html for problem in problems), step.slug


def test_the_glossary_has_at_least_30_terms_each_on_a_step(alipay):
    terms = GlossaryTerm.objects.filter(guide=alipay)
    assert terms.count() >= 30
    assert not terms.filter(steps=None).exists()


def test_the_guide_promises_no_international_transfers(alipay):
    texts = [step.body for step in ordered(alipay)] + [alipay.ready_to_pay]
    assert not any("international transfers" in text.lower() for text in texts)


def test_the_finish_page_text_and_the_phrase_card_are_seeded(alipay):
    assert "CNY 200" in alipay.ready_to_pay or "200" in alipay.ready_to_pay
    chinese = set(alipay.phrases.values_list("chinese", flat=True))
    assert len(chinese) >= 7
    assert any("支付宝" in phrase for phrase in chinese)


def test_seeding_twice_changes_nothing_and_keeps_an_editor_s_changes(alipay):
    step = alipay.steps.get(slug="sign-up")
    step.title = "Sign up (edited)"
    step.save()
    assert seed_guide(alipay_data()) == 0
    assert alipay.steps.get(slug="sign-up").title == "Sign up (edited)"


def test_seeding_puts_back_a_step_an_editor_deleted_with_its_problems(alipay):
    alipay.steps.get(slug="ride-codes").delete()
    assert seed_guide(alipay_data()) > 0
    assert alipay.steps.get(slug="ride-codes").problems.count() >= 2
