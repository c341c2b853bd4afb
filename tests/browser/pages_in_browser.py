"""Opening a page type of tests/quality/pages.py in a real browser, as the person it is for."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page

from tests.browser_like_client import BrowserLikeClient as Client
from tests.quality.pages import Visit

# A form of the visit's fields, posted as a person's browser would post it (a plain submit()
# fires no submit event, so htmx leaves it alone).
_POST_FORM = """([path, fields, withToken]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = path;
  const add = (name, value) => {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  };
  for (const [name, value] of Object.entries(fields)) add(name, value);
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (withToken && token) add(token.name, token.value);
  document.body.append(form);
  form.submit();
}"""


def share_cookies(client: Client, context: BrowserContext, site: str) -> None:
    """Give the browser the test client's cookies: its session, visitor key and CSRF token."""
    # Chromium sends Secure (and __Host-) cookies to http://localhost, a secure context, but
    # sets them only for an https address: the same host, so the same cookie jar.
    secure_site = site.replace("http://", "https://", 1)
    context.add_cookies(
        [
            {
                "name": name,
                "value": morsel.value,
                "url": secure_site if morsel["secure"] else site,
                "secure": bool(morsel["secure"]),
                "httpOnly": bool(morsel["httponly"]),
                "sameSite": "Lax",
            }
            for name, morsel in client.cookies.items()
            if morsel.value
        ]
    )


def show(page: Page, site: str, visit: Visit) -> int:
    """Open the visit's page; return the HTTP status it came with."""
    response = page.goto(site + visit.path)
    if visit.form is None:
        return response.status
    with page.expect_navigation() as navigation:
        page.evaluate(_POST_FORM, [visit.path, visit.form, visit.csrf_token])
    return navigation.value.status
