"""One clear action per step: done with one button, skip what does not apply, done stays done."""

from __future__ import annotations

import re

import pytest

from onboarding.journeys.models import StepProgress
from tests.factories import management, post_step, valid_fields

pytestmark = pytest.mark.django_db


def test_a_reading_step_is_done_with_one_button_and_no_tick_box(client, steps):
    page = client.get("/guides/alipay/explore/").text
    assert 'type="checkbox"' not in page[page.index('class="step-form"') :].split("</form>")[0]
    assert "I've done this" in page
    response = client.post("/guides/alipay/explore/", management("explore"))
    assert response.status_code == 302
    assert StepProgress.objects.get(step=steps["explore"]).status == "done"


def test_a_done_reading_step_opened_again_says_done_on_its_date(client, steps):
    post_step(client, steps["explore"])
    row = StepProgress.objects.get(step=steps["explore"])
    page = client.get("/guides/alipay/explore/").text
    assert f"Done on {row.completed_at:%-d %B %Y}" in page


def test_a_done_step_saved_again_stays_done_and_keeps_its_first_date(client, steps):
    post_step(client, steps["explore"])
    first = StepProgress.objects.get(step=steps["explore"]).completed_at
    response = client.post("/guides/alipay/explore/", management("explore"))
    assert response.status_code == 302
    row = StepProgress.objects.get(step=steps["explore"])
    assert row.status == "done"
    assert row.completed_at == first


def test_a_done_step_opened_again_keeps_its_answers(client, steps):
    post_step(client, steps["sign-up"])
    post_step(client, steps["link-card"], {"link-card-network": "jcb"})
    page = client.get("/guides/alipay/link-card/").text
    checked = re.findall(
        r'<input type="radio" name="link-card-network" value="(\w+)"[^>]*checked', page
    )
    assert checked == ["jcb"]


def test_a_done_checklist_opened_again_shows_its_boxes_ticked(client, steps):
    post_step(client, steps["prepare"])
    page = client.get("/guides/alipay/prepare/").text
    form = page[page.index('class="step-form"') :].split("</form>")[0]
    required = [item for item in steps["prepare"].checklist_items.all() if item.required]
    assert form.count("checked") >= len(required)
    assert "There is a problem" not in page


def test_an_optional_step_offers_skip_and_skipping_it_counts_as_finished(client, steps):
    assert "Skip: I don't need this" in client.get("/guides/alipay/email-link/").text
    data = {**management("email-link"), "email-link-action": "skip"}
    response = client.post("/guides/alipay/email-link/", data)
    assert response.status_code == 302
    assert StepProgress.objects.get(step=steps["email-link"]).status == "skipped"
    page = client.get("/guides/alipay/").text
    assert "1 of 14" in page
    assert "Skipped" in page


def test_skipping_asks_none_of_the_steps_questions(client, steps):
    steps["prepare"].optional = True
    steps["prepare"].save()
    data = {**management("prepare"), "prepare-action": "skip"}  # nothing ticked
    assert client.post("/guides/alipay/prepare/", data).status_code == 302
    assert StepProgress.objects.get(step=steps["prepare"]).answers == {}


def test_a_step_that_is_not_optional_offers_no_skip_and_refuses_one_with_a_400(client, steps):
    assert "Skip: I don't need this" not in client.get("/guides/alipay/prepare/").text
    data = {**management("prepare"), "prepare-action": "skip"}
    response = client.post("/guides/alipay/prepare/", data)
    assert response.status_code == 400
    assert (
        "<p>This step cannot be skipped: everyone setting up Alipay needs it.</p>" in response.text
    )
    assert not StepProgress.objects.exists()


def test_an_editor_making_a_step_optional_lets_people_skip_it(client, steps):
    steps["explore"].optional = True
    steps["explore"].save()
    assert "Skip: I don't need this" in client.get("/guides/alipay/explore/").text
    data = {**management("explore"), "explore-action": "skip"}
    assert client.post("/guides/alipay/explore/", data).status_code == 302


def test_change_from_the_summary_returns_to_the_summary_after_saving(client, steps):
    for step in steps.values():
        post_step(client, step, valid_fields(step))
    assert (
        'href="/guides/alipay/link-card/?return=summary"' in client.get("/guides/alipay/done/").text
    )
    response = client.post(
        "/guides/alipay/link-card/?return=summary",
        {**management("link-card"), "link-card-network": "amex"},
    )
    assert response["Location"] == "/guides/alipay/done/"
    assert "American Express" in client.get("/guides/alipay/done/").text


def test_a_step_says_which_original_steps_it_carries_once(client, steps):
    page = client.get("/guides/alipay/sign-up/").text
    assert page.count("In the original guide: step 6") == 1
    step = steps["explore"]
    step.body = "Nothing about the original here."
    step.original_steps = "10"
    step.save()
    assert "In the original guide: step 10" in client.get("/guides/alipay/explore/").text
