"""Who is asking: the client's address, for limits counted per client."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: from the trusted proxy's header when one is configured."""
    if settings.CLIENT_ADDRESS_HEADER:
        header = "HTTP_" + settings.CLIENT_ADDRESS_HEADER.upper().replace("-", "_")
        # A proxy appends to X-Forwarded-For; the last entry is the one it saw itself.
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")
