"""Template context every page gets."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

# The links of every page's header and footer, by the names templates use.
SITE_LINKS = {
    "landing": "journeys:landing",
    "login": "login",
    "signup": "signup",
    "account": "account",
    "logout": "logout",
    "about": "web:about",
}


def site_links(request: HttpRequest) -> dict[str, dict[str, str]]:
    """`site_links.login` and the rest: reversed once per URL set, not on every page."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return {"site_links": _reversed(urlconf, get_script_prefix())}


@functools.cache
def _reversed(urlconf: str, script_prefix: str) -> dict[str, str]:
    # Keyed by what reverse() depends on, so a deployment under a prefix gets its own links.
    # Escaped here, once, so that the pages that show them need not.
    return {
        name: conditional_escape(reverse(view, urlconf=urlconf))
        for name, view in SITE_LINKS.items()
    }
