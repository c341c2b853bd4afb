"""Each step form on its own: what it accepts, what it keeps, and what it gives back."""

from __future__ import annotations

import datetime

from django.utils import timezone

from onboarding.guides.selectors import ChecklistEntry
from onboarding.journeys.forms import form_class_for
from onboarding.journeys.forms.card import CardForm
from onboarding.journeys.forms.checklist import ChecklistForm
from onboarding.journeys.forms.identity import IdentityForm
from onboarding.journeys.forms.phone import PhoneForm
from onboarding.journeys.forms.read import ReadForm
from onboarding.journeys.forms.security import SecurityForm
from onboarding.journeys.forms.situation import SituationForm
from onboarding.journeys.forms.widgets import LongSelect
from tests.journeys.steps import step_info

STEP = step_info("s", id=1)
LIST = step_info(
    "s",
    id=2,
    kind="checklist",
    checklist=(ChecklistEntry(11, "A passport", True), ChecklistEntry(12, "A card", False)),
)


def form(cls, data=None, step=STEP):
    return cls(
        data={f"s-{k}": v for k, v in data.items()} if data is not None else None,
        prefix="s",
        step=step,
    )


def expiring_in(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_form_kinds_name_their_classes():
    assert form_class_for("read") is ReadForm
    assert form_class_for("identity") is IdentityForm
    assert form_class_for("card") is CardForm


def test_a_read_step_is_done_with_nothing_to_answer():
    read = form(ReadForm, {})
    assert read.is_valid()
    assert (read.status, read.to_answers(), read.steering_answers()) == ("done", {}, {})
    assert read.summary() == [("Answer", "Done")]


def test_an_unbound_form_is_a_done_action():
    assert form(ReadForm).action == "done"
    assert form(ReadForm).skipped is False


def test_skipping_answers_nothing_and_says_skipped():
    skipped = form(SituationForm, {"action": "skip"})
    assert skipped.is_valid()
    assert skipped.fields == {}
    assert skipped.status == "skipped"
    assert skipped.summary() == [("Answer", "Skipped")]


def test_a_skipped_step_gives_back_the_skip_action_only():
    assert ReadForm.data_from({"x": 1}, status="skipped") == {"action": "skip"}
    assert CardForm.data_from({"network": "jcb"}, status="done") == {
        "action": "done",
        "network": "jcb",
    }


def test_the_situation_steers_with_both_answers():
    situation = form(SituationForm, {"location": "inside", "has_account": "yes"})
    assert situation.is_valid()
    assert situation.to_answers() == {"location": "inside", "has_account": "yes"}
    assert situation.steering_answers() == {"location": "inside", "has_account": "yes"}
    assert situation.summary() == [
        ("Where you are", "In mainland China"),
        ("Alipay account already", "Yes, I have one already"),
    ]


def test_the_situation_needs_both_answers():
    situation = form(SituationForm, {"location": "inside"})
    assert not situation.is_valid()
    assert situation.errors["has_account"] == ["Say whether you already have an Alipay account."]


def test_the_situation_gives_back_only_what_it_asks():
    data = SituationForm.answer_data({"location": "outside", "other": "x"})
    assert data == {"location": "outside"}


def test_the_card_keeps_the_network_and_never_digits():
    card = form(CardForm, {"network": "unionpay"})
    assert card.is_valid()
    assert card.to_answers() == {"network": "unionpay"}
    assert card.summary() == [("Card", "UnionPay")]
    assert CardForm.answer_data({}) == {}
    assert CardForm.answer_data({"network": "visa"}) == {"network": "visa"}


def test_the_card_needs_a_network():
    card = form(CardForm, {})
    assert not card.is_valid()
    assert card.errors["network"] == ["Choose the kind of card you linked."]


def test_security_keeps_the_chosen_protections():
    security = form(SecurityForm, {"methods": ["face", "fingerprint"]})
    assert security.is_valid()
    assert security.to_answers() == {"methods": ["face", "fingerprint"]}
    assert security.summary() == [("Protections", "Face recognition, Fingerprint")]


def test_security_gives_back_only_known_protections():
    assert SecurityForm.answer_data({"methods": ["face", "pin"]}) == {"methods": ["face"]}
    assert SecurityForm.answer_data({}) == {"methods": []}


def test_the_checklist_needs_its_required_items_only():
    checklist = form(ChecklistForm, {"item_11": "on"}, step=LIST)
    assert checklist.is_valid()
    assert checklist.to_answers() == {"ticked": [11]}
    assert checklist.summary() == [("Ready", "A passport")]
    assert checklist.fields["item_12"].label == "A card (optional)"
    assert checklist.fields["item_11"].label == "A passport"


def test_an_unticked_required_item_is_refused_by_name():
    checklist = form(ChecklistForm, {"item_12": "on"}, step=LIST)
    assert not checklist.is_valid()
    assert checklist.errors["item_11"] == ["Tick “A passport” when you have it."]


def test_a_checklist_ticked_in_full_keeps_every_item():
    checklist = form(ChecklistForm, {"item_11": "on", "item_12": "on"}, step=LIST)
    assert checklist.is_valid()
    assert checklist.to_answers() == {"ticked": [11, 12]}
    assert checklist.summary() == [("Ready", "A passport; A card")]


def test_a_skipped_checklist_asks_nothing():
    checklist = form(ChecklistForm, {"action": "skip"}, step=LIST)
    assert checklist.fields == {}
    assert checklist.is_valid()


def test_a_checklist_with_nothing_ticked_says_so():
    optional = step_info(
        "s", id=3, kind="checklist", checklist=(ChecklistEntry(13, "A power bank", False),)
    )
    checklist = form(ChecklistForm, {}, step=optional)
    assert checklist.is_valid()
    assert checklist.summary() == [("Ready", "Nothing ticked")]


def test_a_checklist_gives_back_its_ticked_items():
    assert ChecklistForm.answer_data({"ticked": [11, 12]}) == {"item_11": "on", "item_12": "on"}
    assert ChecklistForm.answer_data({}) == {}


def test_a_passport_valid_for_years_is_kept_as_over_six_months_without_its_date():
    identity = form(
        IdentityForm,
        {"document_type": "passport", "issuing_country": "GB", "expiry_date": expiring_in(900)},
    )
    assert identity.is_valid()
    assert identity.to_answers() == {
        "document_type": "passport",
        "issuing_country": "GB",
        "validity": "over_six_months",
    }
    assert identity.summary() == [
        ("Document", "Passport"),
        ("Issued by", "United Kingdom"),
        ("Validity", "Valid for more than six months"),
    ]


def test_an_expired_passport_is_refused():
    identity = form(IdentityForm, {"document_type": "passport", "expiry_date": expiring_in(-1)})
    assert not identity.is_valid()
    expired = datetime.date.fromisoformat(expiring_in(-1))
    assert identity.errors["expiry_date"] == [
        f"This document expired on {expired:%-d %B %Y}. Alipay needs one that is still valid: "
        "renew it first, or use another valid document."
    ]
    assert identity.has_error("expiry_date", code="expired")


def test_a_passport_under_six_months_is_warned_about_once_then_saved():
    data = {"document_type": "passport", "expiry_date": expiring_in(100)}
    first = form(IdentityForm, data)
    assert not first.is_valid()
    assert first.has_error("expiry_date", code="under_six_months")
    runs_out = datetime.date.fromisoformat(expiring_in(100))
    assert first.errors["expiry_date"] == [
        f"Your document runs out on {runs_out:%-d %B %Y}, within six months. Alipay may refuse it "
        "or ask again soon, so think about renewing it first. To carry on anyway, press "
        "“I've done this” again."
    ]
    assert first.data["s-warned"] == "on"
    assert first.data["s-validity"] == "under_six_months"
    again = form(IdentityForm, {**data, "warned": "on"})
    assert again.is_valid()
    assert again.to_answers()["validity"] == "under_six_months"


def test_checking_a_passport_under_six_months_is_no_error():
    check = form(
        IdentityForm,
        {"document_type": "passport", "expiry_date": expiring_in(100), "action": "check"},
    )
    assert check.is_valid()
    assert check.checked_validity == "under_six_months"


def test_without_a_date_only_the_document_is_kept():
    identity = form(IdentityForm, {"document_type": "other"})
    assert identity.is_valid()
    assert identity.to_answers() == {"document_type": "other"}
    assert identity.summary() == [("Document", "Another document the app accepted")]


def test_identity_gives_back_its_kept_answers_only():
    answers = {
        "document_type": "passport",
        "issuing_country": "GB",
        "validity": "expired",
        "expiry_date": "2030-01-01",
    }
    assert IdentityForm.answer_data(answers) == {
        "document_type": "passport",
        "issuing_country": "GB",
        "validity": "expired",
    }


def test_the_issuing_country_list_starts_with_an_empty_choose_a_country():
    identity = form(IdentityForm)
    assert identity.fields["issuing_country"].choices[0] == ("", "Choose a country")


def test_the_phone_step_keeps_nothing_and_says_signed_up():
    phone = form(PhoneForm, {"country": "GB", "number": "07400 123456"})
    assert phone.is_valid()
    assert phone.to_answers() == {}
    assert str(phone.how_to_type) == "Pick +44 (United Kingdom), then type 7400 123456"
    assert phone.summary() == [("Signed up", "Yes")]


def test_a_wrong_phone_number_is_an_error_on_the_number():
    phone = form(PhoneForm, {"country": "GB", "number": "0740"})
    assert not phone.is_valid()
    assert "We cannot read this as a phone number" in phone.errors["number"][0]


def test_checking_without_a_number_asks_for_one():
    phone = form(PhoneForm, {"action": "check"})
    assert not phone.is_valid()
    assert phone.errors["number"] == ["Type the number you will give Alipay, then press Check."]
    assert form(PhoneForm, {}).is_valid()


def test_a_draft_keeps_the_valid_choices_after_an_invalid_one():
    situation = form(SituationForm, {"location": "the moon", "has_account": "yes"})
    assert situation.draft() == {"has_account": "yes"}


def test_a_draft_keeps_only_valid_choices():
    situation = form(SituationForm, {"location": "inside", "has_account": "maybe"})
    assert situation.draft() == {"location": "inside"}
    identity = form(IdentityForm, {"document_type": "passport", "expiry_date": "2030-01-01"})
    assert identity.draft() == {"document_type": "passport", "issuing_country": None}
    assert form(PhoneForm, {"number": "07400 123456"}).draft() == {}


def test_a_long_select_renders_every_option_with_the_chosen_one_selected():
    widget = LongSelect(choices=[("", "Choose"), ("GB", "United Kingdom"), ("FR", "France & co")])
    html = widget.render("country", "GB", attrs={"id": "id_country"})
    assert html == (
        '<select name="country" id="id_country">'
        '<option value="">Choose</option>'
        '<option value="GB" selected>United Kingdom</option>'
        '<option value="FR">France &amp; co</option>'
        "</select>"
    )


def test_a_number_too_long_to_be_a_phone_gets_one_error_only():
    phone = form(PhoneForm, {"country": "GB", "number": "0" * 41})
    assert not phone.is_valid()
    assert phone.errors["number"] == ["Ensure this value has at most 40 characters (it has 41)."]


def test_a_country_not_in_the_list_is_as_if_none_was_chosen_for_the_number():
    phone = form(PhoneForm, {"country": "XX", "number": "07400 123456"})
    assert not phone.is_valid()
    assert "country" in phone.errors
    assert phone.errors["number"] == [
        "Choose the country of your number, or type it with its country code, for example "
        "+44 7400 123456."
    ]
