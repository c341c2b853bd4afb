"""Security headers on every kind of page, as production (DEBUG off) sends them."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from tests.browser_like_client import BrowserLikeClient
from tests.factories import PASSWORD, make_user, post_step

pytestmark = pytest.mark.django_db


def strict() -> BrowserLikeClient:
    """A client held to the CSRF check, as a browser is."""
    return BrowserLikeClient(enforce_csrf_checks=True)


PERSONAL_PAGES = ["landing", "task list", "step", "finish", "sidebar"]
HTML_PAGES = [*PERSONAL_PAGES, "admin login"]


class TagCollector(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


def finish_guide(client, steps) -> None:
    """Save each next step until the guide redirects to its finish page."""
    url = "/guides/alipay/about/"
    while url != "/guides/alipay/done/":
        url = post_step(client, steps[url.rstrip("/").rsplit("/", 1)[-1]])["Location"]


def fetch(client, steps, kind: str):
    """A secure GET of one kind of page (HSTS is only sent over HTTPS)."""
    if kind == "finish":
        finish_guide(client, steps)
    url = {
        "landing": "/",
        "task list": "/guides/alipay/",
        "step": "/guides/alipay/about/",
        "finish": "/guides/alipay/done/",
        "sidebar": "/guides/alipay/progress/",
        "healthz": "/healthz",
        "admin login": "/admin/login/",
    }[kind]
    headers = {"HX-Request": "true"} if kind == "sidebar" else {}
    response = client.get(url, headers=headers, secure=True)
    assert response.status_code == 200, response.content[:500]
    return response


def csrf_checked_client() -> BrowserLikeClient:
    """A client that, like a browser, is held to the CSRF check."""
    return BrowserLikeClient(enforce_csrf_checks=True)


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("kind", [*HTML_PAGES, "healthz"])
def test_every_page_sends_a_strict_content_security_policy(client, steps, kind):
    directives = csp_directives(fetch(client, steps, kind))

    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    everything = " ".join(value for values in directives.values() for value in values)
    assert "unsafe-inline" not in everything
    assert "unsafe-eval" not in everything


@pytest.mark.parametrize("kind", HTML_PAGES)
def test_every_script_carries_the_nonce_of_its_response(client, steps, kind):
    response = fetch(client, steps, kind)
    scripts = [attrs for tag, attrs in tags_of(response.text) if tag == "script"]
    if kind == "sidebar":
        assert scripts == []  # a fragment swapped into a page that already has its scripts
        return
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]

    assert scripts
    assert all(attrs.get("nonce") == nonce for attrs in scripts)


@pytest.mark.parametrize("kind", HTML_PAGES)
def test_no_page_needs_an_inline_style(client, steps, kind):
    tags = tags_of(fetch(client, steps, kind).text)

    assert [tag for tag, attrs in tags if "style" in attrs] == []
    assert [tag for tag, _ in tags if tag == "style"] == []


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(client, steps):
    meta = next(
        attrs
        for tag, attrs in tags_of(fetch(client, steps, "step").text)
        if tag == "meta" and attrs.get("name") == "htmx-config"
    )
    config = json.loads(meta["content"])

    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    assert "style" not in config["attributesToSettle"]


@pytest.mark.parametrize("kind", [*HTML_PAGES, "healthz"])
def test_every_page_sends_hsts_nosniff_referrer_and_opener_policies(client, steps, kind):
    response = fetch(client, steps, kind)

    hsts = [part.strip() for part in response["Strict-Transport-Security"].split(";")]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_is_not_sent_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/healthz")


@pytest.mark.parametrize("kind", PERSONAL_PAGES)
def test_personal_pages_are_never_cached(client, steps, kind):
    cache_control = {
        part.strip() for part in fetch(client, steps, kind)["Cache-Control"].split(",")
    }

    assert {"no-store", "no-cache", "private", "max-age=0"} <= cache_control


def test_session_cookie_is_host_prefixed_secure_httponly_and_lax(client, db):
    user = make_user()
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    cookie = client.cookies["__Host-sessionid"]

    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]  # __Host- cookies must not name a domain


def test_visitor_cookie_is_host_prefixed_secure_httponly_and_lax(client, steps):
    post_step(client, steps["about"])
    cookie = client.cookies["__Host-visitor"]

    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_csrf_cookie_is_host_prefixed_secure_httponly_and_lax(client, steps):
    fetch(client, steps, "step")
    cookie = client.cookies["__Host-csrftoken"]

    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


@pytest.mark.parametrize(
    ("status", "request_error_page"),
    [
        (400, lambda client: client.get("/", headers={"host": "evil.example"})),
        (
            403,
            lambda client: BrowserLikeClient(enforce_csrf_checks=True).post(
                "/guides/alipay/prepare/"
            ),
        ),
        (404, lambda client: client.get("/guides/no-such-guide/")),
    ],
    ids=["bad host", "csrf", "not found"],
)
def test_error_pages_carry_the_policy_and_a_nonce_on_every_script(
    client, alipay, status, request_error_page
):
    response = request_error_page(client)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    scripts = [attrs for tag, attrs in tags_of(response.text) if tag == "script"]

    assert response.status_code == status
    assert scripts
    assert all(attrs.get("nonce") == nonce for attrs in scripts)
    assert response["X-Content-Type-Options"] == "nosniff"
