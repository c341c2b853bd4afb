"""The guide wizard: walking, validation, pre-fill, Back, htmx, tampering and query budgets."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from onboarding.accounts.models import User
from onboarding.journeys.models import Journey, StepProgress
from tests.factories import management, post_step, valid_fields
from tests.qr_reader import encodes, svgs_in

pytestmark = pytest.mark.django_db

ORDER_OUTSIDE = [
    "about-alipay", "prepare", "where-you-are", "connect-vpn", "handle-language", "create-account",
    "verify-identity", "verify-phone", "verify-email", "secure-account", "add-card", "explore",
]  # fmt: skip


def walk(client, steps, order, location="outside"):
    for slug in order:
        step = steps[slug]
        fields = valid_fields(step, location=location)
        response = post_step(client, step, fields)
        assert response.status_code == 302, (slug, response.content[:2000])
    return response


def test_walking_the_whole_guide_saves_every_step(client, steps):
    last = walk(client, steps, ORDER_OUTSIDE)

    assert last["Location"] == "/guides/alipay/done/"
    journey = Journey.objects.get()
    rows = {row.step.slug: row for row in journey.progress.select_related("step")}
    assert set(rows) == set(ORDER_OUTSIDE)
    assert {row.status for row in rows.values()} == {StepProgress.Status.DONE}
    assert rows["create-account"].answers["mobile"] == "+447400123456"
    assert rows["add-card"].answers == {"network": "visa"}
    finish = client.get("/guides/alipay/done/")
    assert finish.status_code == 200
    assert "Check your answers" in finish.text
    assert "+44 •••• ••3456" in finish.text
    assert "+447400123456" not in finish.text
    journey.refresh_from_db()
    assert journey.completed_at is not None


def test_each_save_redirects_to_the_next_step(client, steps):
    response = post_step(client, steps["about-alipay"])
    assert response.status_code == 302
    assert response["Location"] == "/guides/alipay/prepare/"


def test_vpn_step_is_shown_to_people_outside_mainland_china(client, steps):
    walk(client, steps, ["about-alipay", "prepare", "where-you-are"], location="outside")
    assert client.get("/guides/alipay/connect-vpn/").status_code == 200


def test_vpn_step_is_left_out_inside_mainland_china(client, steps):
    walk(client, steps, ["about-alipay", "prepare"])
    response = post_step(
        client, steps["where-you-are"], valid_fields(steps["where-you-are"], location="inside")
    )
    assert response["Location"] == "/guides/alipay/handle-language/"
    assert (
        client.get("/guides/alipay/connect-vpn/")["Location"] == "/guides/alipay/handle-language/"
    )
    sidebar = client.get("/guides/alipay/progress/").text
    assert "Not needed" in sidebar


def test_finishing_inside_mainland_china_skips_the_vpn_step(client, steps):
    order = [slug for slug in ORDER_OUTSIDE if slug != "connect-vpn"]
    last = walk(client, steps, order, location="inside")
    assert last["Location"] == "/guides/alipay/done/"
    assert client.get("/guides/alipay/done/").status_code == 200


def reach(client, steps, slug):
    walk(client, steps, ORDER_OUTSIDE[: ORDER_OUTSIDE.index(slug)])


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12", "Enter a valid phone number"),
        ("not a number", "Enter a valid phone number"),
        ("020 7946 0018", "Enter a mobile number that can receive text messages"),
    ],
)
def test_invalid_or_landline_phone_numbers_are_refused(client, steps, number, message):
    reach(client, steps, "create-account")
    step = steps["create-account"]
    fields = {**valid_fields(step), "create-account-mobile_1": number}
    response = post_step(client, step, fields)
    assert response.status_code == 200
    assert message in response.text
    assert "There is a problem" in response.text
    assert f'value="{number}"' in response.text  # what was typed is kept
    assert not StepProgress.objects.filter(step=step).exclude(status="in_progress").exists()


def test_expired_document_is_refused(client, steps):
    reach(client, steps, "verify-identity")
    step = steps["verify-identity"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    fields = {**valid_fields(step), "verify-identity-expiry_date": yesterday.isoformat()}
    response = post_step(client, step, fields)
    assert response.status_code == 200
    assert "This document has expired" in response.text
    assert response.text.count("<title>Error: ") == 1


def test_soon_expiring_document_is_saved_with_a_warning(client, steps):
    reach(client, steps, "verify-identity")
    step = steps["verify-identity"]
    soon = timezone.localdate() + datetime.timedelta(days=60)
    fields = {**valid_fields(step), "verify-identity-expiry_date": soon.isoformat()}
    response = post_step(client, step, fields)
    assert response.status_code == 302
    assert "within six months" in client.get(response["Location"]).text
    assert StepProgress.objects.get(step=step).status == "done"


def test_security_step_needs_at_least_one_protection(client, steps):
    reach(client, steps, "secure-account")
    response = post_step(client, steps["secure-account"], {})
    assert "Choose at least one protection you set up." in response.text


def test_card_network_must_be_from_the_list(client, steps):
    reach(client, steps, "add-card")
    response = post_step(client, steps["add-card"], {"add-card-network": "4111111111111111"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_a_card_number_in_a_note_is_refused(client, steps):
    step = steps["about-alipay"]
    fields = {**valid_fields(step), "about-alipay-note": "my card 4111 1111 1111 1111"}
    response = post_step(client, step, fields)
    assert response.status_code == 200
    assert "This looks like a card number" in response.text
    assert not StepProgress.objects.exists()


def test_saved_answers_prefill_the_form_on_return(client, steps):
    reach(client, steps, "add-card")
    page = client.get("/guides/alipay/create-account/").text
    assert 'value="7400 123456"' in page or 'value="7400123456"' in page
    assert 'value="ana@example.com"' in page


def test_back_keeps_typed_input_without_validating_it(client, steps):
    reach(client, steps, "create-account")
    data = {
        **management("create-account"),
        "create-account-mobile_0": "GB",
        "create-account-mobile_1": "0740",  # not valid yet
        "wizard_goto_step": "handle-language",
    }
    response = client.post("/guides/alipay/create-account/", data)
    assert response.status_code == 302
    assert response["Location"] == "/guides/alipay/handle-language/"
    assert not StepProgress.objects.filter(step=steps["create-account"], status="done").exists()
    assert 'value="0740"' in client.get("/guides/alipay/create-account/").text


def test_refreshing_a_step_does_not_repost(client, steps):
    response = post_step(client, steps["about-alipay"])
    assert response.status_code == 302  # the browser then GETs, so a refresh re-GETs


def test_im_stuck_records_the_status_and_shows_troubleshooting(client, steps):
    step = steps["about-alipay"]
    response = client.post(step.get_absolute_url(), {**management(step.slug), "stuck": "1"})
    assert response.status_code == 302
    assert StepProgress.objects.get(step=step).status == "stuck"
    page = client.get(step.get_absolute_url()).text
    assert "We've noted that you're stuck here" in page
    assert '<details class="troubleshooting" id="troubleshooting" open>' in page


def test_unknown_guide_and_unknown_step_are_404(client, steps):
    assert client.get("/guides/nope/about-alipay/").status_code == 404
    assert client.get("/guides/alipay/nope/").status_code == 404
    assert client.get("/guides/nope/").status_code == 404


def test_a_step_not_reached_yet_redirects_to_the_first_unfinished(client, steps):
    post_step(client, steps["about-alipay"])
    response = client.get("/guides/alipay/verify-email/")
    assert response.status_code == 302
    assert response["Location"] == "/guides/alipay/prepare/"


def test_finish_page_before_finishing_redirects(client, steps):
    assert client.get("/guides/alipay/done/")["Location"] == "/guides/alipay/about-alipay/"


def test_bogus_current_step_is_a_400(client, steps):
    data = {**management("no-such-step"), **valid_fields(steps["about-alipay"])}
    response = client.post("/guides/alipay/about-alipay/", data)
    assert response.status_code == 400
    assert "different step" in response.text


def test_missing_management_form_is_a_400(client, steps):
    response = client.post("/guides/alipay/about-alipay/", valid_fields(steps["about-alipay"]))
    assert response.status_code == 400


def test_fields_for_another_step_are_a_400(client, steps):
    post_step(client, steps["about-alipay"])
    fields = {**valid_fields(steps["prepare"]), **valid_fields(steps["about-alipay"])}
    response = post_step(client, steps["prepare"], fields)
    assert response.status_code == 400


def test_a_bad_post_loses_nothing_saved(client, steps):
    walk(client, steps, ["about-alipay", "prepare"])
    before = list(StepProgress.objects.values_list("step_id", "status", "answers"))
    client.post("/guides/alipay/about-alipay/", {**management("bogus")})
    post_step(client, steps["prepare"], {})
    assert list(StepProgress.objects.values_list("step_id", "status", "answers")) == before


def test_htmx_requests_get_the_step_partial_and_full_requests_the_page(client, steps):
    full = client.get("/guides/alipay/about-alipay/")
    partial = client.get("/guides/alipay/about-alipay/", headers={"HX-Request": "true"})
    assert "<html" in full.text and 'id="progress-sidebar"' in full.text
    assert "<html" not in partial.text and 'id="step-content"' in partial.text
    assert 'id="progress-sidebar"' not in partial.text
    assert partial["HX-Trigger-After-Swap"] == "progress-changed"
    assert "HX-Request" in full["Vary"]


def test_sidebar_partial_marks_the_step_htmx_is_on(client, steps):
    post_step(client, steps["about-alipay"])
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
    assert "1 of 11" in response.text


def test_a_step_get_does_not_write_the_session(client, steps, settings):
    post_step(client, steps["about-alipay"])
    session_before = dict(client.session)
    response = client.get("/guides/alipay/prepare/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # not saved, so not re-sent
    assert dict(client.session) == session_before


def test_healthz_is_ok_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_a_signed_in_person_gets_a_qr_code_of_the_step_to_continue_on_a_phone(client, steps):
    client.force_login(User.objects.create_user("phone@example.com", "a long pass phrase"))
    post_step(client, steps["about-alipay"])
    page = client.get("/guides/alipay/prepare/").text
    assert "Continue on your phone" in page
    [svg] = svgs_in(page)
    assert encodes(svg, "http://testserver/guides/alipay/prepare/")


def test_a_visitor_is_asked_to_create_an_account_to_continue_on_a_phone(client, steps):
    page = client.get("/guides/alipay/about-alipay/").text
    assert "Save your progress" in page
    assert "carry on from your phone" in page
    assert 'href="/accounts/signup/?next=/guides/alipay/about-alipay/"' in page
    assert 'class="qr-code"' not in page
