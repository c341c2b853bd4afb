"""A test client that sends forms as browsers do: URL-encoded, not multipart.

No form on this site takes a file, so the site refuses multipart bodies (web/request_guard.py);
Django's test client would otherwise send every POST as multipart/form-data.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.test import Client

FORM = "application/x-www-form-urlencoded"


class BrowserLikeClient(Client):
    def post(self, path: str, data: Any = None, content_type: str = FORM, **extra: Any):
        if content_type == FORM and (data is None or isinstance(data, dict)):
            data = urlencode(data or {}, doseq=True)
        return super().post(path, data, content_type=content_type, **extra)
