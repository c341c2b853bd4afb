"""Share tokens never reach a log line: the filter, and its place in the logging settings."""

from __future__ import annotations

import logging

import pytest

from onboarding.sharing.log_redaction import RedactShareTokens, redact_share_tokens

TOKEN = "8kq3Yc1t0vT9J4Xn7LZpQwErTyUiOpAsDfGhJkLzXcV"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /share/{TOKEN}/ HTTP/1.1", "GET /share/[redacted]/ HTTP/1.1"),
        (f"Not Found: /share/{TOKEN}/", "Not Found: /share/[redacted]/"),
        (f"/share/{TOKEN}", "/share/[redacted]"),
        (f"/share/{TOKEN}/?utm=x /share/other/", "/share/[redacted]/?utm=x /share/[redacted]/"),
        ("GET /guides/alipay/ HTTP/1.1", "GET /guides/alipay/ HTTP/1.1"),
        ("Disallow: /share/", "Disallow: /share/"),
    ],
)
def test_share_tokens_are_redacted_from_text(text, expected):
    assert redact_share_tokens(text) == expected


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def collect():
    """A handler on django.server, which does not propagate to pytest's capture."""
    handler = Collect()
    logger = logging.getLogger("django.server")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_the_runserver_access_log_is_redacted(collect):
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /share/{TOKEN}/ HTTP/1.1", 200, 9)
    assert collect.lines == ['"GET /share/[redacted]/ HTTP/1.1" 200 9']


def test_the_request_log_of_a_missing_share_page_is_redacted(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(f"/share/{TOKEN}/").status_code == 404
    assert "Not Found: /share/[redacted]/" in caplog.text
    assert TOKEN not in caplog.text


def test_arguments_of_any_kind_are_redacted():
    class Path:
        def __str__(self) -> str:
            return f"/share/{TOKEN}/"

    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "%s %s %s", (Path(), 404, None), None
    )
    RedactShareTokens().filter(record)
    assert record.getMessage() == "/share/[redacted]/ 404 None"
    mapping = logging.LogRecord("x", logging.INFO, __file__, 1, "%(path)s", None, None)
    mapping.args = {"path": f"/share/{TOKEN}/"}
    RedactShareTokens().filter(mapping)
    assert mapping.getMessage() == "/share/[redacted]/"
