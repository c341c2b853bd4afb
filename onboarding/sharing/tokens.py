"""Share tokens: made, hashed and recognised here alone; only the hash is ever stored."""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32
# secrets.token_urlsafe(32) is always 43 characters of the URL-safe base64 alphabet.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 of the token, hex: what the database keeps and looks up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(text: str) -> bool:
    return bool(_TOKEN_SHAPE.fullmatch(text))
