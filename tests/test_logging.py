"""Share tokens never reach a log line."""

from __future__ import annotations

import io
import logging

import pytest

from onboarding.logging import RedactShareTokens, redact_share_tokens

TOKEN = "n3Vq-8sZ_xW1yPq2rT4uV6wX8yZ0aB2cD4eF6gH8iJ0"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"/share/{TOKEN}/", "/share/[redacted]/"),
        (f"/share/{TOKEN}", "/share/[redacted]/"),
        (f'"GET /share/{TOKEN}/?qr=1 HTTP/1.1" 200', '"GET /share/[redacted]/?qr=1 HTTP/1.1" 200'),
        (f"Not Found: /share/{TOKEN}/", "Not Found: /share/[redacted]/"),
        ("GET /guides/alipay/ HTTP/1.1", "GET /guides/alipay/ HTTP/1.1"),
    ],
)
def test_share_tokens_are_redacted_from_text(line, expected):
    assert redact_share_tokens(line) == expected


def test_the_filter_redacts_a_message_built_from_arguments():
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '"%(r)s" %(s)s', None, None
    )
    record.args = {"r": f"GET /share/{TOKEN}/ HTTP/1.1", "s": "404"}

    assert RedactShareTokens().filter(record) is True
    assert record.getMessage() == '"GET /share/[redacted]/ HTTP/1.1" 404'


def test_djangos_not_found_warning_is_logged_without_the_token(client, db):
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactShareTokens) for f in handler.filters)
    )
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        client.get(f"/share/{TOKEN}/")
    finally:
        console.setStream(previous)

    assert TOKEN not in written.getvalue()
    assert "Not Found: /share/[redacted]/" in written.getvalue()
