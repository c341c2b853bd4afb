"""Drafts keep no secrets: what Back and "I'm stuck" keep passes the same refusals as a save."""

from __future__ import annotations

import pytest

from tests.factories import everything_stored, make_guide, management, post_step

pytestmark = pytest.mark.django_db

CARD = "4111 1111 1111 1111"


def test_back_keeps_the_choices_typed_on_a_step_as_a_draft(client, steps):
    data = {**management("link-card"), "link-card-network": "jcb", "wizard_goto_step": "sign-up"}
    client.post("/guides/alipay/sign-up/", {**management("sign-up")})  # sign up first
    response = client.post("/guides/alipay/link-card/", data)
    assert response["Location"] == "/guides/alipay/sign-up/"
    page = client.get("/guides/alipay/link-card/").text
    assert "We kept what you chose" in page
    assert "checked" in page.split('value="jcb"')[1][:80]


@pytest.mark.parametrize("leave", [{"wizard_goto_step": "about"}, {"stuck": "1"}])
def test_a_card_number_typed_in_the_phone_box_leaves_no_trace_after_back_or_stuck(
    client, steps, leave
):
    data = {**management("sign-up"), "sign-up-number": CARD, "sign-up-country": "GB", **leave}
    assert client.post("/guides/alipay/sign-up/", data).status_code == 302
    stored = everything_stored()
    assert "4111" not in stored
    assert "1111 1111" not in stored


def test_a_phone_number_and_a_passport_date_are_never_kept_in_a_draft(client, steps):
    client.post("/guides/alipay/sign-up/", {**management("sign-up")})
    client.post(
        "/guides/alipay/sign-up/",
        {**management("sign-up"), "sign-up-number": "+44 7512 345678", "wizard_goto_step": "about"},
    )
    client.post(
        "/guides/alipay/verify-passport/",
        {
            **management("verify-passport"),
            "verify-passport-document_type": "passport",
            "verify-passport-expiry_date": "2031-05-17",
            "wizard_goto_step": "link-card",
        },
    )
    stored = everything_stored()
    assert "7512" not in stored
    assert "2031" not in stored
    assert "passport" in stored  # the document type is a choice, kept as a draft


def test_a_choice_no_form_offers_is_dropped_from_the_draft(client, steps):
    client.post("/guides/alipay/sign-up/", {**management("sign-up")})
    data = {
        **management("link-card"),
        "link-card-network": "4111111111111111",
        "wizard_goto_step": "sign-up",
    }
    client.post("/guides/alipay/link-card/", data)
    assert "4111" not in everything_stored()


def test_saving_a_step_drops_its_draft(client, steps):
    client.post("/guides/alipay/sign-up/", {**management("sign-up")})
    client.post(
        "/guides/alipay/link-card/",
        {**management("link-card"), "link-card-network": "jcb", "wizard_goto_step": "sign-up"},
    )
    client.post(
        "/guides/alipay/link-card/", {**management("link-card"), "link-card-network": "visa"}
    )
    assert "jcb" not in everything_stored()


def test_saving_a_step_drops_its_own_draft_and_keeps_the_others(client, steps):
    client.post("/guides/alipay/sign-up/", {**management("sign-up")})
    for slug, field, value in [("link-card", "network", "jcb"), ("about", "location", "inside")]:
        back = {**management(slug), f"{slug}-{field}": value, "wizard_goto_step": "sign-up"}
        client.post(f"/guides/alipay/{slug}/", back)
    post_step(client, steps["about"])

    assert "We kept what you chose" not in client.get("/guides/alipay/about/").text
    assert "We kept what you chose" in client.get("/guides/alipay/link-card/").text


def test_a_draft_is_kept_for_its_own_guide_only(client, db):
    for slug in ("one", "two"):
        make_guide(steps=3, slug=slug)  # step-2 of each asks where you are
    data = {
        **management("step-2", "one"),
        "step-2-location": "inside",
        "wizard_goto_step": "step-1",
    }
    assert client.post("/guides/one/step-2/", data).status_code == 302

    assert "We kept what you chose" in client.get("/guides/one/step-2/").text
    assert "We kept what you chose" not in client.get("/guides/two/step-2/").text
