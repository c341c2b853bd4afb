"""Any order, honest dependencies: every step is open unless it truly needs another first."""

from __future__ import annotations

import pytest

from onboarding.journeys import services
from onboarding.journeys.models import StepProgress
from tests.factories import management, post_step, valid_fields

pytestmark = pytest.mark.django_db


def test_a_later_step_opens_and_saves_before_the_earlier_ones(client, steps):
    assert client.get("/guides/alipay/ride-codes/").status_code == 200
    response = post_step(client, steps["ride-codes"])
    assert response.status_code == 302
    assert StepProgress.objects.get(step=steps["ride-codes"]).status == "done"
    # The suggestion goes back to the first step not finished.
    assert response["Location"] == "/guides/alipay/about/"


def test_every_step_that_can_start_is_a_link_in_the_task_list(client, steps):
    page = client.get("/guides/alipay/").text
    for slug in ["about", "prepare", "install", "sign-up", "explore", "vpn", "email-link"]:
        assert f'href="/guides/alipay/{slug}/"' in page, slug


def test_a_step_that_needs_another_first_says_cannot_start_yet_and_is_no_link(client, steps):
    page = client.get("/guides/alipay/").text
    assert 'href="/guides/alipay/link-card/"' not in page
    assert page.count("Cannot start yet") == 2  # linking a card, verifying the passport
    step_page = client.get("/guides/alipay/link-card/").text
    assert "Cannot start yet: first finish Sign up with your phone number" in step_page
    assert 'value="done"' not in step_page


def test_a_post_to_a_step_that_cannot_start_yet_saves_nothing_and_says_why(client, steps):
    response = post_step(client, steps["link-card"])
    assert response["Location"] == "/guides/alipay/link-card/"
    assert not StepProgress.objects.exists()
    page = client.get(response["Location"]).text
    assert (
        "This step was not saved: it cannot start yet. First finish "
        f"{steps['sign-up'].title}." in page
    )


def test_back_from_a_step_that_cannot_start_yet_goes_back_without_saving(client, steps):
    data = {**management("link-card"), "wizard_goto_step": "about"}
    response = client.post("/guides/alipay/link-card/", data)
    assert response["Location"] == "/guides/alipay/about/"
    assert not StepProgress.objects.exists()


def test_finishing_the_needed_step_opens_the_step_that_needed_it(client, steps):
    post_step(client, steps["sign-up"])
    assert 'href="/guides/alipay/link-card/"' in client.get("/guides/alipay/").text
    assert post_step(client, steps["link-card"]).status_code == 302


def test_the_suggested_next_step_is_marked_in_the_task_list(client, steps):
    post_step(client, steps["about"])
    page = client.get("/guides/alipay/").text
    prepare = page.index('href="/guides/alipay/prepare/"')
    assert page.index('class="next-tag"', prepare) < page.index('href="/guides/alipay/install/"')
    assert page.count('class="next-tag"') == 1


def test_a_step_whose_condition_waits_for_an_answer_says_what_it_depends_on(client, steps):
    page = client.get("/guides/alipay/").text
    vpn = page[page.index('href="/guides/alipay/vpn/"') :]
    assert vpn.index("Depends on where you are") < vpn.index("</li>")
    assert "Not needed" not in page


def test_counts_follow_the_answers_that_change_which_steps_apply(client, steps):
    assert "0 of 14" in client.get("/guides/alipay/").text
    post_step(client, steps["about"], valid_fields(steps["about"], location="inside"))
    assert "1 of 13" in client.get("/guides/alipay/").text
    post_step(client, steps["about"], valid_fields(steps["about"], has_account="yes"))
    assert "1 of 12" in client.get("/guides/alipay/").text


def test_minutes_are_counted_over_the_steps_that_apply(client, steps):
    everyone = sum(step.estimated_minutes for step in steps.values())
    assert f"About <strong>{everyone} minutes</strong> in 14 steps" in client.get("/").text
    post_step(client, steps["about"], valid_fields(steps["about"], location="inside"))
    fewer = everyone - steps["vpn"].estimated_minutes
    assert f"About <strong>{fewer} minutes</strong> in 13 steps" in client.get("/").text


def test_the_progress_meter_counts_the_minutes_of_the_steps_left(client, steps):
    post_step(client, steps["about"], valid_fields(steps["about"], location="inside"))
    left = sum(
        step.estimated_minutes for slug, step in steps.items() if slug not in ("about", "vpn")
    )
    page = client.get("/guides/alipay/prepare/").text
    assert f"about {left} minutes left" in page


def test_a_step_waiting_for_two_others_names_both(client, steps):
    steps["first-payment"].needs.add(steps["sign-up"], steps["link-card"])
    response = post_step(client, steps["first-payment"])
    page = client.get(response["Location"]).text
    assert f"First finish {steps['sign-up'].title}, {steps['link-card'].title}." in page


def test_back_goes_to_the_step_before_in_the_list_without_saving(client, steps):
    data = {**management("prepare"), "wizard_goto_step": "about"}
    response = client.post("/guides/alipay/prepare/", data)
    assert response["Location"] == "/guides/alipay/about/"
    assert not StepProgress.objects.exists()


def test_the_answers_of_the_step_being_saved_decide_which_step_opens_next(client, steps):
    # Someone who already has Alipay does not sign up: after their first step, with two later
    # steps done already, the card step opens next, and sign-up is never marked as started.
    post_step(client, steps["prepare"])
    post_step(client, steps["install"])
    response = post_step(client, steps["about"], valid_fields(steps["about"], has_account="yes"))
    assert response["Location"] == "/guides/alipay/link-card/"
    assert not StepProgress.objects.filter(step=steps["sign-up"]).exists()
    assert StepProgress.objects.get(step=steps["link-card"]).status == "in_progress"


def test_a_post_to_a_step_not_in_this_persons_guide_is_a_400_and_saves_nothing(client, steps):
    # Someone in mainland China needs no VPN step.
    post_step(client, steps["about"], valid_fields(steps["about"], location="inside"))
    response = post_step(client, steps["vpn"])
    assert response.status_code == 400
    assert ">This step is not part of your guide.<" in response.text
    assert not StepProgress.objects.filter(step=steps["vpn"]).exists()


def test_a_save_whose_journey_a_login_just_moved_says_so_and_stays_on_the_step(
    client, steps, monkeypatch
):
    post_step(client, steps["about"])

    def moved(**kwargs):
        raise services.JourneyGone

    monkeypatch.setattr(services, "record_step", moved)
    response = post_step(client, steps["prepare"])
    assert response["Location"] == "/guides/alipay/prepare/"
    monkeypatch.undo()
    page = client.get(response["Location"]).text
    assert "your progress has just moved to your account" in page
