"""Pages around the wizard: landing, task list, robots.txt, favicon, settings refusal."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.factories import post_step

pytestmark = pytest.mark.django_db


def test_landing_introduces_the_guide_with_start(client, alipay):
    page = client.get("/").text
    assert alipay.title in page
    assert "What you need" in page
    assert "minutes" in page
    assert 'href="/guides/alipay/about-alipay/"' in page
    assert "Start now" in page


def test_landing_offers_continue_to_the_first_unfinished_step(client, steps):
    post_step(client, steps["about-alipay"])
    page = client.get("/").text
    assert "Continue" in page
    assert 'href="/guides/alipay/prepare/"' in page


def test_task_list_shows_every_step_with_status_and_count(client, steps):
    post_step(client, steps["about-alipay"])
    page = client.get("/guides/alipay/").text
    assert "1 of 11" in page
    for step in steps.values():
        assert step.title in page
    assert "Done" in page and "Not started" in page and "Not needed" in page


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
