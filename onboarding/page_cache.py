"""Whole rendered pages, cached under a key that names everything they depend on.

A step page is the same for everyone at the same point of the same journey, except for two
per-request values: the CSRF token and the CSP nonce. Pages are rendered once with placeholders
for those, stored in the cache, and served with this request's values swapped in. The key is
built by the caller from database state read on this request (the guide's content version, the
journey's last change), so a cached page can never be stale, in any process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse

from onboarding import immutable_cache

CSRF_PLACEHOLDER = "csrf-token-placeholder-5f3c9a"
NONCE_PLACEHOLDER = "csp-nonce-placeholder-9b2e7d"
TIMEOUT = 3600


def _templates_fingerprint() -> str:
    """Changes when any template changes, so a deploy never serves pages of the last release."""
    digest = hashlib.sha256()
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = _templates_fingerprint()


def placeholder_context() -> dict[str, str]:
    """Context values that stand in for the per-request tokens while a page is rendered."""
    return {"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER}


def cached_page(
    request: HttpRequest, *, key: str, render: Callable[[dict[str, Any]], TemplateResponse]
) -> HttpResponse:
    """The page stored under key, or render(placeholders) stored there; tokens swapped in."""
    html = immutable_cache.get_or_set(
        f"page:{RELEASE}:{key}", lambda: _rendered(render), timeout=TIMEOUT
    )
    html = html.replace(CSRF_PLACEHOLDER, get_token(request)).replace(
        NONCE_PLACEHOLDER, str(get_nonce(request))
    )
    return HttpResponse(html)


def _rendered(render: Callable[[dict[str, Any]], TemplateResponse]) -> str:
    response = render(placeholder_context())
    response.render()
    return response.content.decode()
