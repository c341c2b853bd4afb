"""The authentication backend: Django's, refusing every login while the limits are reached."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from onboarding.accounts.login_limits import lockout_for


class LockoutAwareBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Check the password only when neither the client nor the account is locked out."""
        if lockout_for(request=request, email=username) is not None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
