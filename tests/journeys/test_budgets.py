"""Budgets that are counted, not timed: SQL queries per page, session writes, page weight."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_guide, post_step, valid_fields

pytestmark = pytest.mark.django_db

# A visitor's step page and sidebar read one row set (journey, guide and progress joined); an
# account adds its session and user, which the signed-in test below counts against "page".
QUERY_BUDGETS = {"page": 3, "sidebar": 1, "post": 7}


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = action()
    assert response.status_code < 400
    return len(queries)


def queries_for(client, kind: str, size: int) -> int:
    """Queries of one request of `kind` for a returning visitor in a guide of `size` steps."""
    guide = make_guide(steps=size, slug=f"g{size}")
    steps = list(guide.steps.order_by("order"))
    post_step(client, steps[0])
    page_url = f"/guides/{guide.slug}/step-1/"
    client.get(page_url)  # an earlier request has warmed the content cache, as in production
    if kind == "page":
        return count_queries(lambda: client.get(page_url))
    if kind == "sidebar":
        url = f"/guides/{guide.slug}/progress/"
        return count_queries(lambda: client.get(url, headers={"HX-Request": "true"}))
    fields = valid_fields(steps[1])
    return count_queries(lambda: post_step(client, steps[1], fields))


@pytest.mark.parametrize("kind", QUERY_BUDGETS)
def test_query_count_is_within_budget_and_flat_as_the_guide_grows(client, kind):
    small = queries_for(client, kind, 5)
    large = queries_for(client, kind, 60)
    assert small == large
    assert small <= QUERY_BUDGETS[kind]


def test_a_signed_in_persons_step_page_is_within_the_query_budget(client, django_user_model):
    user = django_user_model.objects.create_user("ana@example.com", "a-long-passphrase")
    client.force_login(user)
    assert queries_for(client, "page", 5) <= QUERY_BUDGETS["page"]


def gzip_size(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


@pytest.mark.parametrize("url", ["/", "/guides/alipay/", "/guides/alipay/about/"])
def test_first_pages_html_is_under_15_kb_gzipped(client, alipay, url):
    assert gzip_size(client.get(url).content) < 15_000


def test_the_heaviest_step_page_is_under_15_kb_gzipped(client, steps):
    post_step(client, steps["sign-up"])
    page = client.get("/guides/alipay/verify-passport/").content  # the country list, twice
    assert gzip_size(page) < 15_000


def test_sidebar_partial_is_under_4_kb_gzipped(client, alipay):
    response = client.get("/guides/alipay/progress/", headers={"HX-Request": "true"})
    assert gzip_size(response.content) < 4_000


def linked_assets(html: str, suffix: str) -> list[Path]:
    paths = re.findall(rf'(?:src|href)="{settings.STATIC_URL}([^"]+\.{suffix})"', html)
    return [Path(finders.find(path)) for path in paths]


def test_css_is_under_20_kb_and_js_under_25_kb_gzipped(client, alipay):
    html = client.get("/guides/alipay/about/").text
    css = linked_assets(html, "css")
    js = linked_assets(html, "js")
    assert css and js
    assert sum(gzip_size(path.read_bytes()) for path in css) < 20_000
    assert sum(gzip_size(path.read_bytes()) for path in js) < 25_000


@pytest.mark.parametrize("url", ["/", "/guides/alipay/", "/guides/alipay/about/"])
def test_pages_load_nothing_from_another_host(client, alipay, url):
    html = client.get(url).text
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html.split("<main")[0])
    assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', html)


def test_a_visitors_step_page_reads_no_session(client, steps):
    post_step(client, steps["about"])
    client.get("/guides/alipay/prepare/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/guides/alipay/prepare/").status_code == 200
    assert not [query for query in queries if "django_session" in query["sql"]]
    assert len(queries) == 1  # the journey with its guide and its progress rows, joined
