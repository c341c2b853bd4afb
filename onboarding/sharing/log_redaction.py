"""Log filters: keep share tokens out of every log line the project writes.

A share token in a log is as good as the link itself to whoever reads the log, so the token part
of /share/<token>/ is replaced wherever a record's message or arguments hold it: in Django's logs
(settings.LOGGING) and in gunicorn's access and error logs (gunicorn.conf.py names GunicornLogger).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote

from gunicorn.glogging import Logger

_SHARE_TOKEN = re.compile(r"(/share/)[^/\s?#\"']+")
REDACTED = "[redacted]"


def redact_share_tokens(text: str) -> str:
    """The text with the token of every /share/<token> path replaced by [redacted].

    Percent-escapes are decoded first: /%73hare/<token>/ opens the same page, so it is the
    same secret in the log.
    """
    decoded = unquote(text)
    if not _SHARE_TOKEN.search(decoded):
        return text
    return _SHARE_TOKEN.sub(rf"\g<1>{REDACTED}", decoded)


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_share_tokens(value)
    # Anything else is formatted with str() later; replace it only if that would leak.
    text = str(value)
    redacted = redact_share_tokens(text)
    return value if redacted == text else redacted


class RedactShareTokens(logging.Filter):
    """Rewrites a record's message and arguments so no share token reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redact(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _redact(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_redact(value) for value in record.args)
        return True


class GunicornLogger(Logger):
    """Gunicorn's own logger, with share tokens cut out of access and error lines."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            # setup() runs again on a configuration reload; one filter is enough.
            if not any(isinstance(existing, RedactShareTokens) for existing in log.filters):
                log.addFilter(RedactShareTokens())
