"""What happens around logins: claim the browser's journeys, and count failed attempts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from onboarding.accounts.login_limits import clear_account_failures, record_failure
from onboarding.accounts.services import claim_journeys
from onboarding.journeys import visitors


@receiver(user_logged_in)
def claim_visitor_journeys(
    sender: type, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """On sign-up and login, the journeys this browser walked as a visitor join the account."""
    clear_account_failures(email=user.email)
    if request is None:
        return
    # The visitor key survives the session key's rotation at login; the journeys it named are
    # the account's from now on, so it is dropped once they are claimed.
    claimed = claim_journeys(user=user, visitor_key=visitors.visitor_key(request))
    visitors.forget(request)
    if claimed:
        messages.info(
            request,
            "The progress you made in this browser is now saved to your account.",
            fail_silently=True,
        )


@receiver(user_login_failed)
def count_failed_login(
    sender: str, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Every failed login, on any login form, counts towards the limits."""
    record_failure(request=request, email=credentials.get("username"))
