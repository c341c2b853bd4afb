"""Pages around the wizard: landing, task list, robots.txt, favicon, settings refusal."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.factories import post_step, valid_fields

pytestmark = pytest.mark.django_db


def test_landing_introduces_the_guide_with_start(client, alipay):
    page = client.get("/").text
    assert alipay.title in page
    assert "minutes" in page
    assert 'href="/guides/alipay/about/"' in page
    assert "Start now" in page
    assert "payment apps" not in page  # one guide is offered: the page names it


def test_landing_offers_continue_to_the_suggested_step(client, steps):
    post_step(client, steps["about"])
    page = client.get("/").text
    assert "Continue" in page
    assert 'href="/guides/alipay/prepare/"' in page


def test_task_list_shows_every_step_with_status_and_count(client, steps):
    post_step(client, steps["about"], valid_fields(steps["about"], location="inside"))
    page = client.get("/guides/alipay/").text
    assert "1 of 13" in page
    for step in steps.values():
        assert step.title in page
    assert "Done" in page and "Not started" in page and "Not needed" in page


def test_the_glossary_page_lists_every_term_with_the_steps_it_appears_on(client, alipay):
    page = client.get("/guides/alipay/glossary/").text
    terms = alipay.glossary_terms.prefetch_related("steps")
    assert terms.count() >= 30
    for term in terms:
        assert term.term in page
        for step in term.steps.all():
            assert f'href="/guides/alipay/{step.slug}/"' in page


def test_each_steps_word_list_links_to_the_glossary_page(client, steps):
    page = client.get("/guides/alipay/sign-up/").text
    assert "Chinese words on this step" in page
    assert 'href="/guides/alipay/glossary/"' in page


def test_the_about_page_says_who_runs_it_and_what_it_keeps(client, alipay):
    page = client.get("/about/").text
    assert "not run by Alipay" in page
    assert "What we keep" in page and "how long" in page.lower()
    assert "Download or delete" in page


@pytest.mark.parametrize(
    "url", ["/", "/guides/alipay/", "/guides/alipay/about/", "/guides/alipay/glossary/", "/about/"]
)
def test_every_page_links_to_the_about_page_from_its_footer(client, alipay, url):
    footer = client.get(url).text.split('<footer class="site-footer">')[1]
    assert 'href="/about/"' in footer


def test_robots_txt_keeps_shared_pages_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Disallow: /share/" in response.text


def test_favicon_exists(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_without_a_secret_key_production_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "onboarding.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
