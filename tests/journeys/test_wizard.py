"""The guide wizard: walking, saving at once, the finish page, refusals, htmx and the phone QR."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from onboarding.accounts.models import User
from onboarding.journeys.models import Journey, StepProgress
from tests.factories import management, post_step, valid_fields
from tests.qr_reader import encodes, svgs_in

pytestmark = pytest.mark.django_db

# The Alipay guide for someone outside mainland China without an account yet: every step.
ORDER_OUTSIDE = [
    "about", "prepare", "install", "sign-up", "link-card", "verify-passport", "protect-account",
    "first-payment", "ride-codes", "payment-fails", "explore", "vpn", "chinese-on-screen",
    "email-link",
]  # fmt: skip


def walk(client, steps, order, **answers):
    for slug in order:
        response = post_step(client, steps[slug], valid_fields(steps[slug], **answers))
        assert response.status_code == 302, (slug, response.content[:2000])
    return response


def test_walking_the_whole_guide_saves_every_step_and_stamps_the_journey_complete(client, steps):
    last = walk(client, steps, ORDER_OUTSIDE)

    assert last["Location"] == "/guides/alipay/done/"
    journey = Journey.objects.get()
    rows = {row.step.slug: row for row in journey.progress.select_related("step")}
    assert set(rows) == set(ORDER_OUTSIDE)
    assert {row.status for row in rows.values()} == {StepProgress.Status.DONE}
    assert rows["link-card"].answers == {"network": "visa"}
    assert rows["about"].answers == {"location": "outside", "has_account": "no"}
    assert journey.answers == {"location": "outside", "has_account": "no"}
    assert journey.completed_at is not None


def test_the_finish_page_leads_with_what_to_do_next_then_the_answers(client, steps):
    walk(client, steps, ORDER_OUTSIDE)
    page = client.get("/guides/alipay/done/").text
    assert page.index("You're ready to pay") < page.index("Check your answers")
    assert "Phrases for the counter" in page
    assert "可以用支付宝吗" in page
    assert "Visa" in page and "Outside mainland China" in page


def test_the_finish_page_answers_each_step_from_that_steps_own_form(client, steps):
    walk(client, steps, ORDER_OUTSIDE)
    page = client.get("/guides/alipay/done/").text
    # The checklist's answer lists the boxes of its own step, all ticked by the walk.
    ticked = "; ".join(item.text for item in steps["prepare"].checklist_items.order_by("order"))
    assert ticked
    assert f'<span class="muted">Ready:</span> {escape(ticked)}</span>' in page


def test_each_save_redirects_to_the_suggested_next_step(client, steps):
    response = post_step(client, steps["about"])
    assert response["Location"] == "/guides/alipay/prepare/"


def test_the_last_unfinished_step_saved_leads_to_the_finish_page(client, steps):
    walk(client, steps, [slug for slug in ORDER_OUTSIDE if slug != "prepare"])
    response = post_step(client, steps["prepare"])
    assert response["Location"] == "/guides/alipay/done/"


def test_a_save_then_a_reload_shows_the_step_again_without_reposting(client, steps):
    response = post_step(client, steps["about"])
    assert response.status_code == 302  # the browser then GETs, so a reload re-GETs
    assert client.get("/guides/alipay/about/").status_code == 200
    assert StepProgress.objects.count() == 2  # about done, prepare reached


def test_the_finish_page_before_every_step_is_finished_sends_you_to_the_first_unfinished(
    client, steps
):
    post_step(client, steps["about"])
    assert client.get("/guides/alipay/done/")["Location"] == "/guides/alipay/prepare/"


def test_inside_mainland_china_the_vpn_step_is_not_needed_and_not_asked_for(client, steps):
    walk(client, steps, [slug for slug in ORDER_OUTSIDE if slug != "vpn"], location="inside")
    assert Journey.objects.get().completed_at is not None
    assert client.get("/guides/alipay/done/").status_code == 200
    task_list = client.get("/guides/alipay/").text
    assert "Not needed" in task_list


def test_someone_with_an_account_needs_neither_install_nor_sign_up(client, steps):
    post_step(client, steps["about"], valid_fields(steps["about"], has_account="yes"))
    page = client.get("/guides/alipay/").text
    assert page.count("Not needed") == 2
    # Linking a card needs sign-up first, unless sign-up is not needed at all.
    assert 'href="/guides/alipay/link-card/"' in page


def test_unknown_guide_is_404_and_an_unknown_step_goes_to_the_first(client, steps):
    assert client.get("/guides/nope/about/").status_code == 404
    assert client.get("/guides/nope/").status_code == 404
    # formtools' own answer to a step name it does not know: start at the first step.
    assert client.get("/guides/alipay/nope/")["Location"] == "/guides/alipay/about/"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**management("no-such-step")}, "This form was sent for a different step."),
        ({}, "This form was incomplete. Go back and try again."),
        (
            {**management("about"), "about-action": "launch"},
            "This form asked for something this page cannot do.",
        ),
        (
            {**management("about"), "prepare-item_1": "on"},
            "This form held answers for a different step.",
        ),
    ],
)
def test_a_form_no_page_sends_is_a_400_that_says_what_was_wrong(client, steps, data, message):
    response = client.post("/guides/alipay/about/", data)
    assert response.status_code == 400
    assert f">{message}<" in response.text
    # A page of the site like any other: its header links and its form token.
    assert 'href="/accounts/login/"' in response.text
    assert re.search(r'"X-CSRFToken": "[^"]+"', response.text)


def test_a_refused_post_loses_nothing_saved(client, steps):
    walk(client, steps, ["about", "prepare"])
    before = list(StepProgress.objects.values_list("step_id", "status", "answers"))
    client.post("/guides/alipay/about/", {**management("bogus")})
    post_step(client, steps["prepare"], {})  # invalid: a required item left unticked
    assert list(StepProgress.objects.values_list("step_id", "status", "answers")) == before


def test_htmx_requests_get_the_step_partial_and_full_requests_the_page(client, steps):
    full = client.get("/guides/alipay/about/")
    partial = client.get("/guides/alipay/about/", headers={"HX-Request": "true"})
    assert "<html" in full.text and 'id="progress-sidebar"' in full.text
    assert "<html" not in partial.text and 'id="step-content"' in partial.text
    assert 'id="progress-sidebar"' not in partial.text
    assert partial["HX-Trigger-After-Swap"] == "progress-changed"
    assert "HX-Trigger-After-Swap" not in full
    assert "HX-Request" in full["Vary"]


def test_the_sidebar_partial_marks_the_step_htmx_is_on_and_counts_what_applies(client, steps):
    post_step(client, steps["about"], valid_fields(steps["about"], location="inside"))
    response = client.get(
        "/guides/alipay/progress/",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/guides/alipay/prepare/",
        },
    )
    assert "<html" not in response.text
    assert response.text.count('aria-current="step"') == 1
    assert 'href="/guides/alipay/prepare/" aria-current="step"' in response.text
    # 14 steps, less the VPN step, which someone in mainland China does not take.
    assert "Step 2 of 13" in response.text
    assert "1 of 13" in response.text


def test_a_signed_in_person_gets_a_qr_code_of_the_step_to_continue_on_a_phone(client, steps):
    client.force_login(User.objects.create_user("phone@example.com", "a long pass phrase"))
    page = client.get("/guides/alipay/prepare/").text
    assert "Continue on your phone" in page
    [svg] = svgs_in(page)
    assert encodes(svg, "http://testserver/guides/alipay/prepare/")


def test_a_visitor_is_asked_to_create_an_account_to_continue_on_a_phone(client, steps):
    page = client.get("/guides/alipay/about/").text
    assert "Save your progress" in page
    assert 'href="/accounts/signup/?next=/guides/alipay/about/"' in page
    assert 'class="qr-code"' not in page


def test_the_finish_page_asked_for_by_htmx_is_loaded_whole(client, steps):
    walk(client, steps, ORDER_OUTSIDE)
    response = client.get("/guides/alipay/done/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/guides/alipay/done/"


def test_the_finish_page_counts_the_steps_done_and_lists_the_share_links(client, steps):
    from onboarding.sharing.services import create_share_link

    walk(client, steps, ORDER_OUTSIDE)
    create_share_link(journey=Journey.objects.get(), lifetime="7d")
    page = client.get("/guides/alipay/done/").text
    assert "All 14 steps are done or skipped" in page
    assert "Your links that work now" in page


def test_a_step_opened_from_the_summary_links_back_to_it_and_returns_there_once_saved(
    client, steps
):
    # Not every step is done yet: without the return, the save would lead to the one left.
    walk(client, steps, ORDER_OUTSIDE[:-1])
    page = client.get("/guides/alipay/link-card/?return=summary").text
    assert 'href="/guides/alipay/done/">Back to your answers</a>' in page
    assert "Back to your answers" not in client.get("/guides/alipay/link-card/").text

    data = {**management("link-card"), **valid_fields(steps["link-card"])}
    response = client.post("/guides/alipay/link-card/?return=summary", data)
    assert response["Location"] == "/guides/alipay/done/"


def test_a_skipped_step_says_skipped_on_the_finish_page(client, steps):
    walk(client, steps, [slug for slug in ORDER_OUTSIDE if slug != "vpn"])
    post_step(client, steps["vpn"], {"vpn-action": "skip"})
    page = client.get("/guides/alipay/done/").text
    assert page.count("Skipped") == 1


def test_the_phone_qr_code_opens_the_step_without_what_the_address_carried(client, steps):
    client.force_login(User.objects.create_user("qr@example.com", "a long pass phrase"))
    page = client.get("/guides/alipay/prepare/?stuck=other").text
    [svg] = svgs_in(page)
    assert encodes(svg, "http://testserver/guides/alipay/prepare/")


def test_both_forms_of_a_step_page_name_its_step_as_the_wizard_reads_it(client, steps):
    page = client.get("/guides/alipay/prepare/").text
    # The step's own form and the "I'm stuck" form: formtools reads the step from this field.
    field = '<input type="hidden" name="guide_alipay-current_step" value="prepare">'
    assert page.count(field) == 2
    assert set(management("prepare")) == {"guide_alipay-current_step"}


def test_back_goes_to_the_step_before_in_the_guide(client, steps):
    page = client.get("/guides/alipay/prepare/").text
    assert re.search(r'<button [^>]*name="wizard_goto_step" value="about"[^>]*>Back</button>', page)
    first = client.get("/guides/alipay/about/").text
    assert 'name="wizard_goto_step"' not in first
    assert re.search(r'<a class="button button-quiet" href="/guides/alipay/">All steps</a>', first)
