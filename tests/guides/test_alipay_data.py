"""The Alipay guide's content data: today's path first, every original step kept, facts dated.

These tests read onboarding/guides/data/alipay.toml directly (no Django, no database), so an
editor's or writer's change to the file is checked before it is ever seeded.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

DATA_FILE = Path(__file__).resolve().parents[2] / "onboarding/guides/data/alipay.toml"

STEP_KEYS = {
    "slug",
    "title",
    "summary",
    "body",
    "form_kind",
    "condition",
    "optional",
    "needs",
    "original_steps",
    "estimated_minutes",
    "last_reviewed",
    "checklist",
    "facts",
    "problems",
}
FORM_KINDS = {"read", "checklist", "situation", "phone", "identity", "security", "card"}
CONDITIONS = {"always", "outside_mainland_china", "no_alipay_account_yet"}
RESERVED_SLUGS = {"done", "progress", "glossary"}


@cache
def data() -> dict:
    with DATA_FILE.open("rb") as file:
        return tomllib.load(file)


def steps() -> list[dict]:
    return data()["steps"]


def slugs() -> list[str]:
    return [step["slug"] for step in steps()]


def step(slug: str) -> dict:
    return next(item for item in steps() if item["slug"] == slug)


def markdown_texts() -> list[tuple[str, str]]:
    """Every Markdown text in the file, named for where it is."""
    texts = [("guide.ready_to_pay", data()["guide"]["ready_to_pay"])]
    for item in steps():
        texts.append((f"{item['slug']}.body", item["body"]))
        texts += [(f"{item['slug']}.problem", problem["fix"]) for problem in item["problems"]]
        texts += [(f"{item['slug']}.fact", fact["text"]) for fact in item.get("facts", [])]
    return texts


def all_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in all_strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in all_strings(item)]
    return []


def test_the_guide_starts_with_about_then_prepare_then_install_then_sign_up():
    assert slugs()[:4] == ["about", "prepare", "install", "sign-up"]
    assert step("about")["form_kind"] == "situation"
    assert step("prepare")["form_kind"] == "checklist"


def test_the_sms_code_is_part_of_sign_up():
    sign_up = step("sign-up")
    assert sign_up["original_steps"] == [4, 6]
    assert sign_up["form_kind"] == "phone"
    assert "## In the original guide: step 6" in sign_up["body"]
    assert not any(6 in item["original_steps"] for item in steps() if item is not sign_up)


def test_every_step_of_the_original_article_has_a_page():
    carried = {number for item in steps() for number in item["original_steps"]}
    assert carried >= set(range(0, 11))
    assert carried <= set(range(0, 11))


def test_steps_that_todays_sources_call_unneeded_are_optional():
    for slug in ("vpn", "email-link", "chinese-on-screen"):
        assert step(slug)["optional"] is True, slug
        assert step(slug)["facts"], slug
    assert step("vpn")["condition"] == "outside_mainland_china"
    assert step("vpn")["original_steps"] == [2]
    assert step("email-link")["original_steps"] == [7]


def test_every_step_has_at_least_two_problems_each_with_a_fix():
    for item in steps():
        assert len(item["problems"]) >= 2, item["slug"]
        for problem in item["problems"]:
            assert problem["summary"].strip(), item["slug"]
            assert problem["fix"].strip(), item["slug"]


def test_every_fact_has_a_date_and_a_source_page_not_a_home_page():
    facts = [fact for item in steps() for fact in item.get("facts", [])]
    assert len(facts) >= 10
    for fact in facts:
        assert isinstance(fact["as_of"], datetime.date), fact
        assert fact["text"].strip() and fact["source_title"].strip(), fact
        url = urlsplit(fact["source_url"])
        assert url.scheme in {"http", "https"} and url.netloc, fact["source_url"]
        assert url.path not in {"", "/"}, fact["source_url"]


def test_the_glossary_has_at_least_34_unique_terms_naming_existing_steps():
    glossary = data()["glossary"]
    terms = [entry["term"] for entry in glossary]
    assert len(terms) >= 34
    assert len(set(terms)) == len(terms)
    for entry in glossary:
        assert " / " not in entry["term"], entry["term"]
        assert entry["pinyin"].strip() and entry["meaning"].strip(), entry["term"]
        assert entry["steps"], entry["term"]
        assert set(entry["steps"]) <= set(slugs()), entry["term"]


def test_each_glossary_term_appears_on_the_steps_it_names():
    for entry in data()["glossary"]:
        for slug in entry["steps"]:
            assert entry["term"] in str(step(slug)), (entry["term"], slug)


def test_the_phrase_card_has_at_least_7_complete_phrases_including_the_counter_basics():
    phrases = data()["guide"]["phrases"]
    assert len(phrases) >= 7
    for phrase in phrases:
        assert phrase["chinese"].strip(), phrase
        assert phrase["pinyin"].strip(), phrase
        assert phrase["english"].strip(), phrase
    chinese = {phrase["chinese"] for phrase in phrases}
    basics = {"可以用支付宝吗？", "我扫你", "你扫我", "国际卡可以吗？"}
    basics |= {"人工客服", "乘车码", "商家码"}
    assert basics <= chinese


def test_needs_name_existing_steps_and_have_no_loop():
    known = set(slugs())
    needs = {item["slug"]: item["needs"] for item in steps()}
    for slug, required in needs.items():
        assert set(required) <= known, slug
        assert slug not in required, slug

    def reaches_itself(start: str) -> bool:
        seen: set[str] = set()
        todo = list(needs[start])
        while todo:
            current = todo.pop()
            if current == start:
                return True
            if current not in seen:
                seen.add(current)
                todo += needs[current]
        return False

    assert not any(reaches_itself(slug) for slug in needs)
    assert step("link-card")["needs"] == ["sign-up"]
    assert step("verify-passport")["needs"] == ["sign-up"]


def test_steps_use_only_known_keys_form_kinds_and_conditions():
    assert len(steps()) >= 13
    assert len(set(slugs())) == len(slugs())
    for item in steps():
        assert set(item) <= STEP_KEYS, item["slug"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", item["slug"]), item["slug"]
        assert item["slug"] not in RESERVED_SLUGS
        assert item["form_kind"] in FORM_KINDS, item["slug"]
        assert item["condition"] in CONDITIONS, item["slug"]
        assert isinstance(item["optional"], bool), item["slug"]
        assert len(item["summary"]) <= 300, item["slug"]
        assert isinstance(item["last_reviewed"], datetime.date), item["slug"]
        assert item["estimated_minutes"] >= 1, item["slug"]
        assert bool(item.get("checklist")) == (item["form_kind"] == "checklist"), item["slug"]


def test_no_markdown_has_an_h1_an_update_note_or_raw_html():
    for where, text in markdown_texts():
        for line in text.splitlines():
            assert not line.startswith("# "), where
            assert "Update (as of" not in line, where
        assert not re.search(r"<[a-zA-Z/][^>]*>", text), where


def test_no_text_promises_international_transfers():
    for text in all_strings(data()):
        assert "international transfer" not in text.lower(), text


def test_no_text_asks_the_person_to_type_personal_data_into_the_portal():
    for text in all_strings(data()):
        lowered = text.lower()
        for phrase in ("enter your number below", "enter your email", "tell us your contact"):
            assert phrase not in lowered, text
