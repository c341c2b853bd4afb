"""The page list (tests/quality/pages.py) covers every page of the site and every form kind."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from tests.quality.pages import NOT_PAGES, PAGE_TYPES, model_named


def named_site_urls(patterns=None, namespace: str = "") -> set[str]:
    """The URL names of the site outside the admin (which pages.py lists by hand)."""
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{pattern.namespace}:" if pattern.namespace else namespace
                names |= named_site_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_named_page_of_the_site_has_a_page_type():
    listed = {page.url_name for page in PAGE_TYPES}
    assert named_site_urls() - NOT_PAGES - listed == set(), (
        "add a PageType to tests/quality/pages.py (or the name to NOT_PAGES if it is no page)"
    )


def test_every_form_kind_has_a_step_page_type():
    kinds = {kind for kind, _ in model_named("Step")._meta.get_field("form_kind").choices}
    assert kinds - {page.form_kind for page in PAGE_TYPES} == set()
