"""Reads the dark modules of a QR code back out of the inline SVG the portal draws.

No QR decoder is needed to prove an SVG encodes a URL: segno's encoding is deterministic, so an
SVG whose modules equal those of qr_code(url) carries exactly that URL.
"""

from __future__ import annotations

import re

from onboarding.sharing.qr import qr_code

_SVG = re.compile(r'<svg viewBox="0 0 (\d+) (\d+)" class="qr-code">.*?<path[^>]* d="([^"]+)"/>')
_COMMAND = re.compile(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?")


def svgs_in(html: str) -> list[str]:
    """Every QR code's SVG markup in a page."""
    return re.findall(r'<svg viewBox="[^"]+" class="qr-code">.*?</svg>', html)


def modules_in(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """The symbol's width in modules (quiet zone included) and its dark (column, row) cells."""
    match = _SVG.search(svg)
    assert match, svg[:200]
    width, height, path = int(match[1]), int(match[2]), match[3]
    assert width == height
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for command, first, second in _COMMAND.findall(path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:  # a horizontal run of dark modules, drawn along the row's middle
            dark.update((int(x) + i, int(y - 0.5)) for i in range(int(float(first))))
            x += float(first)
    return width, dark


def encodes(svg: str, text: str) -> bool:
    """Whether the SVG draws exactly the QR code of the text."""
    code = qr_code(text)
    border = 4
    expected = {
        (column + border, row + border)
        for row, bits in enumerate(code.matrix)
        for column, bit in enumerate(bits)
        if bit
    }
    width, dark = modules_in(svg)
    return width == code.symbol_size(scale=1, border=border)[0] and dark == expected
