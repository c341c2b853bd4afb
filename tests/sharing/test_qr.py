"""QR codes: inline SVG that passes the CSP and encodes exactly the given URL."""

from __future__ import annotations

from onboarding.sharing.qr import qr_svg
from tests.qr_reader import encodes

URL = "https://guide.example/share/8kq3Yc1t0vT9J4Xn7LZpQwErTyUiOpAsDfGhJkLzXcV/"


def test_the_svg_encodes_the_url():
    assert encodes(qr_svg(URL), URL)


def test_the_svg_does_not_encode_another_url():
    assert not encodes(qr_svg(URL), URL.replace("8kq", "9kq"))


def test_the_svg_is_inline_markup_the_csp_allows():
    svg = str(qr_svg(URL))
    assert svg.startswith('<svg viewBox="') and svg.endswith("</svg>")
    for forbidden in ("<?xml", "xmlns", "style=", "<script", "data:", "width=", "\n"):
        assert forbidden not in svg


def test_the_svg_names_itself_for_screen_readers():
    assert "<title>QR code</title>" in qr_svg(URL)
