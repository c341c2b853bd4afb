"""Keep share tokens out of logs: a share link's path is its secret, and logs travel far.

Used by Django's logging (settings.LOGGING) and by gunicorn's access and error logs
(gunicorn.conf.py names `GunicornLogger`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

# Anything after /share/ up to the next slash, space, quote, query or fragment is the token.
_SHARE_PATH = re.compile(r"/share/[^/\s\"'?#]+/?")


def redact_share_tokens(text: str) -> str:
    """The text with every `/share/<token>/` replaced by `/share/[redacted]/`."""
    return _SHARE_PATH.sub("/share/[redacted]/", text)


class RedactShareTokens(logging.Filter):
    """A logging filter that rewrites each record's message without share tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_share_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class GunicornLogger(Logger):
    """Gunicorn's own logger, with share tokens cut out of access and error lines."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            # setup() runs again on a configuration reload; one filter is enough.
            if not any(isinstance(existing, RedactShareTokens) for existing in log.filters):
                log.addFilter(RedactShareTokens())
