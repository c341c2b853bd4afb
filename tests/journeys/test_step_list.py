"""The step list is built from items shared by everyone: each person still sees their own list.

Items are rendered once per state and content version (journeys/templatetags/step_list.py); these
tests go through the pages, with several visitors in one process, as the portal serves them.
"""

from __future__ import annotations

import re

import pytest

from tests.browser_like_client import BrowserLikeClient
from tests.factories import post_step, valid_fields

pytestmark = pytest.mark.django_db

ITEM = re.compile(r'<li class="step-item ([^"]*)">(.*?)</li>', re.S)


def items(page: str) -> dict[str, tuple[str, str]]:
    """The step list's items by link (or title when not a link): (classes, status text)."""
    found = {}
    for classes, body in ITEM.findall(page):
        link = re.search(r'href="([^"]+)"', body)
        name = link.group(1) if link else re.sub(r"<[^>]+>", "", body).strip().splitlines()[0]
        status = re.search(r'<span class="status-tag">([^<]*)</span>', body).group(1)
        found[name] = (classes, status)
    return found


def test_two_visitors_on_the_same_page_each_see_their_own_statuses(steps):
    ana, ben = BrowserLikeClient(), BrowserLikeClient()
    post_step(ana, steps["about"])
    post_step(ana, steps["install"])
    post_step(ben, steps["about"])

    anas = items(ana.get("/guides/alipay/prepare/").text)
    bens = items(ben.get("/guides/alipay/prepare/").text)

    assert anas["/guides/alipay/install/"] == ("status-done", "Done")
    assert bens["/guides/alipay/install/"] == ("status-not_started", "Not started")
    assert anas["/guides/alipay/about/"] == bens["/guides/alipay/about/"] == ("status-done", "Done")


def test_only_the_step_being_viewed_is_marked_current(steps):
    client = BrowserLikeClient()
    post_step(client, steps["about"])
    first = client.get("/guides/alipay/prepare/").text
    second = client.get("/guides/alipay/install/").text

    assert first.count('aria-current="step"') == 1
    assert 'href="/guides/alipay/prepare/" aria-current="step"' in first
    assert second.count('aria-current="step"') == 1
    assert 'href="/guides/alipay/install/" aria-current="step"' in second


def test_the_suggested_step_is_tagged_next_and_a_done_step_stays_ticked_when_revisited(steps):
    client = BrowserLikeClient()
    post_step(client, steps["about"])
    page = client.get("/guides/alipay/about/").text

    listed = items(page)
    assert listed["/guides/alipay/about/"] == ("status-done", "Done")
    assert listed["/guides/alipay/prepare/"][0].endswith(" step-suggested")
    assert page.count('class="next-tag"') == 1


def test_a_step_not_needed_is_listed_without_a_link(steps):
    client = BrowserLikeClient()
    post_step(client, steps["about"], valid_fields(steps["about"], location="inside"))
    listed = items(client.get("/guides/alipay/prepare/").text)

    assert "/guides/alipay/vpn/" not in listed
    assert listed[steps["vpn"].title] == ("status-not-needed", "Not needed")


def test_the_task_list_shows_summaries_and_the_step_page_does_not(steps):
    client = BrowserLikeClient()
    task_list = client.get("/guides/alipay/").text
    step_page = client.get("/guides/alipay/about/").text

    assert task_list.count('class="step-summary"') == 14
    assert 'class="step-summary"' not in step_page


def test_an_editors_new_title_shows_in_the_list_at_once(steps):
    client = BrowserLikeClient()
    client.get("/guides/alipay/about/")
    steps["install"].title = "Get the Alipay app"
    steps["install"].save()

    page = client.get("/guides/alipay/about/").text
    assert ">Get the Alipay app</a>" in page


METER = re.compile(
    r'<p class="progress-count"><strong>(\d+) of (\d+)</strong> steps done.*?'
    r'<progress class="progress-bar" max="(\d+)" value="(\d+)"[^>]*>(\d+)%</progress>',
    re.S,
)


def meter(page: str) -> tuple[int, ...]:
    """The progress meter's numbers: done, of how many, the bar's max and value, its percent."""
    return tuple(int(number) for number in METER.search(page).groups())


def test_the_progress_meter_is_each_persons_own_and_moves_with_their_saves(steps):
    ana, ben = BrowserLikeClient(), BrowserLikeClient()
    post_step(ana, steps["about"])
    post_step(ana, steps["install"])
    post_step(ben, steps["about"])

    done, total, bar_max, bar_value, percent = meter(ana.get("/guides/alipay/prepare/").text)
    assert (done, bar_max, bar_value, percent) == (2, total, 2, round(200 / total))
    assert meter(ben.get("/guides/alipay/prepare/").text) == (
        1,
        total,
        total,
        1,
        round(100 / total),
    )

    post_step(ben, steps["install"])
    assert meter(ben.get("/guides/alipay/prepare/").text) == (2, total, total, 2, percent)
