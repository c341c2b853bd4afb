"""Conditions decide whether a step applies: True, False, or None until its answer is given."""

from __future__ import annotations

from onboarding.guides.conditions import applies, condition_choices, pending_label


def test_a_step_for_everyone_applies_with_no_answers_at_all():
    assert applies("always", {}) is True


def test_a_step_for_everyone_applies_whatever_was_answered():
    assert applies("always", {"location": "inside", "has_account": "yes"}) is True


def test_a_condition_is_undecided_until_its_answer_is_given():
    assert applies("outside_mainland_china", {}) is None
    assert applies("no_alipay_account_yet", {"location": "outside"}) is None


def test_outside_mainland_china_holds_only_for_someone_outside():
    assert applies("outside_mainland_china", {"location": "outside"}) is True
    assert applies("outside_mainland_china", {"location": "inside"}) is False


def test_inside_mainland_china_holds_only_for_someone_inside():
    assert applies("inside_mainland_china", {"location": "inside"}) is True
    assert applies("inside_mainland_china", {"location": "outside"}) is False


def test_no_account_yet_holds_only_for_someone_without_an_account():
    assert applies("no_alipay_account_yet", {"has_account": "no"}) is True
    assert applies("no_alipay_account_yet", {"has_account": "yes"}) is False


def test_a_condition_reads_its_own_answer_and_no_other():
    answers = {"location": "outside", "has_account": "yes"}
    assert applies("outside_mainland_china", answers) is True
    assert applies("no_alipay_account_yet", answers) is False


def test_an_answer_given_as_empty_is_an_answer_not_a_missing_one():
    assert applies("outside_mainland_china", {"location": ""}) is False


def test_the_choices_are_every_condition_with_its_label_in_order():
    assert condition_choices() == [
        ("always", "Everyone"),
        ("outside_mainland_china", "Only people outside mainland China"),
        ("inside_mainland_china", "Only people in mainland China"),
        ("no_alipay_account_yet", "Only people without an Alipay account yet"),
    ]


def test_a_pending_step_says_which_answer_it_waits_for():
    assert pending_label("outside_mainland_china") == "Depends on where you are"
    assert pending_label("no_alipay_account_yet") == "Depends on whether you have an account"


def test_a_step_for_everyone_waits_for_nothing():
    assert pending_label("always") == ""
