"""Gunicorn's access and error logs get the share-token filter, once however often set up."""

from __future__ import annotations

import logging

import pytest
from gunicorn.config import Config

from onboarding.sharing.log_redaction import RedactShareTokens, _redact, redact_share_tokens

TOKEN = "8kq3Yc1t0vT9J4Xn7LZpQwErTyUiOpAsDfGhJkLzXcV"


def filters_of(log):
    return [f for f in log.filters if isinstance(f, RedactShareTokens)]


@pytest.fixture
def fresh_gunicorn_loggers():
    """Gunicorn's loggers are global: start without the filter an earlier test may have added."""
    for name in ("gunicorn.access", "gunicorn.error"):
        log = logging.getLogger(name)
        for existing in filters_of(log):
            log.removeFilter(existing)


def test_gunicorns_access_and_error_logs_each_get_one_filter_even_after_a_reload(
    fresh_gunicorn_loggers,
):
    from onboarding.sharing.log_redaction import GunicornLogger

    logger = GunicornLogger(Config())
    logger.setup(Config())  # a configuration reload
    assert len(filters_of(logger.access_log)) == 1
    assert len(filters_of(logger.error_log)) == 1


def test_a_percent_escaped_share_path_is_redacted_too():
    assert (
        redact_share_tokens(f"GET /%73hare/{TOKEN}/ HTTP/1.1") == "GET /share/[redacted]/ HTTP/1.1"
    )


def test_text_without_a_share_path_is_kept_exactly_even_with_escapes():
    assert redact_share_tokens("GET /guides/?q=%41 HTTP/1.1") == "GET /guides/?q=%41 HTTP/1.1"


def test_a_value_that_prints_no_token_is_kept_as_it_is():
    value = 404
    assert _redact(value) is value
    assert _redact(f"/share/{TOKEN}/") == "/share/[redacted]/"


def test_a_record_without_arguments_keeps_none():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, f"/share/{TOKEN}/", None, None)
    assert RedactShareTokens().filter(record) is True
    assert record.args is None
    assert record.msg == "/share/[redacted]/"


def test_a_record_with_positional_arguments_keeps_them_a_tuple():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "%s %s", (f"/share/{TOKEN}", 1), None
    )
    RedactShareTokens().filter(record)
    assert record.args == ("/share/[redacted]", 1)
