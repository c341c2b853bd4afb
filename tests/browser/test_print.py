"""The finish page prints on one or two A4 pages, with the phrase card for the counter."""

from __future__ import annotations

import io
import unicodedata

from playwright.sync_api import Browser
from pypdf import PdfReader

from onboarding.accounts.models import User
from onboarding.guides.models import Guide
from tests.browser_like_client import BrowserLikeClient
from tests.factories import post_step, valid_fields

EMAIL, PASSWORD = "printer@example.com", "a long enough pass phrase"


def a_finished_journey(guide: Guide) -> None:
    """Every step saved by the account, through the step forms, as the person would."""
    walker = BrowserLikeClient()
    walker.force_login(User.objects.create_user(EMAIL, PASSWORD))
    for step in guide.steps.order_by("order"):
        assert post_step(walker, step, valid_fields(step)).status_code == 302


def test_the_finish_page_prints_on_one_or_two_a4_pages_with_the_phrase_card(
    browser: Browser, site, screenshots
):
    guide = Guide.objects.get(slug="alipay")
    a_finished_journey(guide)
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "/accounts/login/?next=/guides/alipay/done/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.locator("h1").inner_text() == "You're ready to pay"
    printed = page.pdf(format="A4", print_background=True)
    (screenshots.parent / "finish-page.pdf").write_bytes(printed)  # for people to look at
    pdf = PdfReader(io.BytesIO(printed))
    # Words as a reader sees them: cells wrap across lines, and "fi" may print as a ligature.
    text = " ".join(
        unicodedata.normalize("NFKC", "".join(p.extract_text() for p in pdf.pages)).split()
    )
    assert 1 <= len(pdf.pages) <= 2, len(pdf.pages)
    assert "Phrases for the counter" in text
    for phrase in guide.phrases.all():
        assert " ".join(phrase.english.split()) in text
    assert "Share your progress" not in text  # the screen-only controls stay off paper
    context.close()
