"""QR codes as inline SVG markup, so a phone can open a link without anyone typing it.

Inline markup (not an <img> with a data: URI, not a script) passes the strict CSP: segno writes
only a <path> with a presentation attribute, no style attribute; sizes come from portal.css.
"""

from __future__ import annotations

from functools import lru_cache

import segno
from django.utils.safestring import SafeString, mark_safe

# Medium error correction survives a smudged or glare-lit screen without making codes dense.
ERROR_CORRECTION = "m"


def qr_code(text: str) -> segno.QRCode:
    """The QR code of a text, as every page of the portal draws it."""
    return segno.make(text, error=ERROR_CORRECTION, micro=False)


@lru_cache(maxsize=256)
def qr_svg(text: str, *, title: str = "QR code") -> SafeString:
    """Inline SVG of the QR code of a text: no XML declaration, namespace, size or style."""
    svg = qr_code(text).svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        svgclass="qr-code",
        lineclass="qr-module",
        title=title,
    )
    # segno escapes the title and writes nothing else that came from the caller.
    return mark_safe(svg)
