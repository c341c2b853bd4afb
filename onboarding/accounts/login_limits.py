"""Limits on failed logins, per account and per client address, counted by django-axes.

Axes keeps the failures in its AccessAttempt table, so every worker, process and server sees the
same count. This module holds the hooks the settings name (AXES_*): what a failure is counted
against, and a handler with a limit of its own for each of those (axes has one for all).

Counted per account as stored, not as typed: every spelling that reaches an account (any case,
and the letters PostgreSQL's UPPER() folds, such as the dotless i, the long s or the Kelvin sign,
on any database) is counted against that account's stored email. A spelling that reaches no
account is counted under a hash of its folded form (so a password typed into the email field is
never kept).

A count lasts until 15 minutes pass without a new failure from the same account, address and
browser (axes' cool-off); failures while locked out are not counted, so the lock lifts 15
minutes after the failure that set it.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import unicodedata
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from onboarding.accounts.models import User
from onboarding.web.http import client_address

_ACCOUNTS_SEEN = "_login_limits_accounts"


def fold(address: str) -> str:
    """An address as PostgreSQL's UPPER() compares it, lower-cased: NFKC, upper, then lower."""
    return unicodedata.normalize("NFKC", address).strip().upper().lower()


def account_key(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the stored email of the account this login reaches, or a hash."""
    typed = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if typed is None and request is not None:
        typed = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if not typed:
        return None
    # Axes asks several times a request; the answer is looked up once.
    seen = getattr(request, _ACCOUNTS_SEEN, None) if request is not None else None
    if seen is None:
        seen = {}
        if request is not None:
            setattr(request, _ACCOUNTS_SEEN, seen)
    if typed not in seen:
        stored = _account_reached(typed)
        seen[typed] = stored or "no-account:" + hashlib.sha256(fold(typed).encode()).hexdigest()
    return seen[typed]


def _account_reached(typed: str) -> str | None:
    """The stored email of the account a login with this spelling reaches, in any database.

    First ModelBackend's own lookup (email__iexact); then the folded spelling, so the letters
    PostgreSQL's UPPER() folds (ı, ſ, the Kelvin sign) count against the same account on SQLite
    too, and the limits are the same numbers in every shape.
    """
    for spelling in dict.fromkeys([typed, fold(typed)]):
        stored = (
            User.objects.filter(email__iexact=spelling)
            .order_by("pk")
            .values_list("email", flat=True)
            .first()
        )
        if stored is not None:
            return stored
    return None


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address (web.http), when it is an IP address."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        # Axes stores it in an IP address column: a proxy header holding anything else counts
        # with every other such request, under no address.
        return None


def _failure_limits() -> list[int]:
    return [settings.LOGIN_FAILURE_LIMITS[name] for name in settings.AXES_LOCKOUT_PARAMETERS]


class LoginLimitsHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit for each lockout parameter (LOGIN_FAILURE_LIMITS).

    Axes compares the largest count with one AXES_FAILURE_LIMIT (here the largest limit); this
    also refuses once any one count reaches its own, smaller, limit.
    """

    def _failures(self, request: HttpRequest, credentials: dict[str, Any] | None) -> list[int]:
        return [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]

    def limit_reached(self, request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
        """Whether the account or the client has used up its allowance of failures."""
        failures = self._failures(request, credentials)
        return any(count >= limit for count, limit in zip(failures, _failure_limits(), strict=True))

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return settings.AXES_LOCK_OUT_AT_FAILURE and self.limit_reached(request, credentials)

    def user_login_failed(
        self, sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return
        if self.is_locked(request, credentials):
            # As axes does when its own limit is reached: the middleware answers with the lockout.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=account_key(request, credentials),
                ip_address=request.axes_ip_address,
            )


def retry_after(request: HttpRequest, credentials: dict[str, Any] | None) -> datetime.timedelta:
    """How long until the lockout surely lifts: the cool-off after the latest counted failure."""
    cool_off = settings.AXES_COOLOFF_TIME
    now = timezone.now()
    latest = (
        AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
        .filter(Q(username=account_key(request, credentials)) | Q(ip_address=client_ip(request)))
        .aggregate(latest=Max("attempt_time"))["latest"]
    )
    if latest is None:
        return cool_off
    return max(datetime.timedelta(seconds=1), latest + cool_off - now)


def forgive_failures(*, request: HttpRequest, email: str) -> None:
    """Once the owner has logged in, forget the failures from this client on this account.

    Only those: the client's failures on other accounts, and other clients' failures on this
    one, still count, so logging in to one's own account frees no guesses at anyone else's.
    """
    reset(ip=client_ip(request), username=email)
