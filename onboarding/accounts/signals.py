"""What happens at login: claim the browser's journeys, and forgive its failed attempts.

(Failed logins are counted by django-axes' own receivers: see login_limits.py.)
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from onboarding.accounts.login_limits import forgive_failures
from onboarding.accounts.services import claim_journeys
from onboarding.journeys import visitors


@receiver(user_logged_in)
def forgive_failed_logins(
    sender: type, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """The owner is in: this client's failed attempts on the account no longer count."""
    if request is not None:
        forgive_failures(request=request, email=user.email)


@receiver(user_logged_in)
def claim_visitor_journeys(
    sender: type, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """On sign-up and login, the journeys this browser walked as a visitor join the account."""
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
