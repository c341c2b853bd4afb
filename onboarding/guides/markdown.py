"""Markdown to sanitised HTML, rendered when an editor saves, never per request.

Content headings sit under the page's own heading: whatever level an editor types, the first
level used becomes an h2 and the rest follow below it, so the page's outline never skips a level.
"""

from __future__ import annotations

import re

import markdown
import nh3

_ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
_HEADING = re.compile(r"<(/?)h([1-6])>")
TOP_LEVEL = 2
DEEPEST_LEVEL = 4


def _nest_headings(html: str) -> str:
    """Shift heading levels so the highest one is an h2, keeping each step down one level."""
    levels = sorted({int(level) for _, level in _HEADING.findall(html)})
    if not levels:
        return html
    # Each distinct level maps to the next one down: ###, ##### becomes h2, h3 (no gaps).
    mapping = {level: min(TOP_LEVEL + rank, DEEPEST_LEVEL) for rank, level in enumerate(levels)}
    return _HEADING.sub(lambda match: f"<{match[1]}h{mapping[int(match[2])]}>", html)


def render_markdown(text: str) -> str:
    """Markdown to HTML with nested headings and only harmless tags and http(s)/mailto links."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    return nh3.clean(
        _nest_headings(html),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
