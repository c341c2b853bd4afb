"""The one-use links that finish a sign-up."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from onboarding.accounts.models import User


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """One-use links that finish a sign-up; never valid as password-reset links, nor back."""

    key_salt = "onboarding.accounts.tokens.SignupTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:  # type: ignore[override]
        # Confirming flips is_active and logs in; a later sign-up with a new password changes
        # the hash too: each ends the link.
        login_timestamp = "" if user.last_login is None else user.last_login.replace(tzinfo=None)
        return f"{user.pk}{user.password}{user.is_active}{login_timestamp}{timestamp}{user.email}"


signup_token_generator = SignupTokenGenerator()
