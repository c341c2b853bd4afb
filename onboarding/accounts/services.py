"""An account's life: started at sign-up, confirmed by the link mailed, erased with all it holds,
and claiming the journeys a visitor walked in this browser, merging where the account has one.
Also the limits on what sends mail: sign-ups and password resets.

The merge rule, step by step: the further status wins (done > skipped > stuck > in progress >
not started; skipped counts as finished, like done), the newer non-empty answers win, and the
step counts as reached from the earlier of the two times. Nothing finished is ever lost.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from onboarding.accounts.login_limits import fold
from onboarding.accounts.models import User
from onboarding.journeys.models import Journey, StepProgress
from onboarding.journeys.retries import is_deadlock
from onboarding.sharing.models import ShareLink
from onboarding.web.ratelimit import RateLimit

Status = StepProgress.Status
FURTHEST_LAST = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.STUCK, Status.SKIPPED, Status.DONE]
FINISHED = {Status.DONE, Status.SKIPPED}
# A claim that collides with a concurrent save (another tab), or deadlocks with one, is rolled
# back and run again.
CLAIM_ATTEMPTS = 3

# Each of these sends a mail. At most 10 sign-ups an hour from one client address; at most 3
# reset mails an hour to one address, and 10 an hour asked for by one client address.
SIGNUPS = RateLimit("signups", limit=10, window_seconds=60 * 60)
RESET_MAILS_PER_ADDRESS = RateLimit("reset-mails-to", limit=3, window_seconds=60 * 60)
RESET_MAILS_PER_CLIENT = RateLimit("reset-mails-from", limit=10, window_seconds=60 * 60)


def claim_journeys(*, user: Any, visitor_key: str | None) -> int:
    """Move the visitor's journeys to the account, merging into its own; how many were claimed."""
    if not visitor_key:
        return 0
    attempts_left = CLAIM_ATTEMPTS
    while True:
        try:
            with transaction.atomic():
                return _claim(user=user, visitor_key=visitor_key)
        except (IntegrityError, OperationalError) as error:
            # A deadlock with a save (on the step counts, onboarding/journeys/retries.py) is
            # run again like a collision.
            attempts_left -= 1
            if not attempts_left or (
                isinstance(error, OperationalError) and not is_deadlock(error)
            ):
                raise


def _claim(*, user: Any, visitor_key: str) -> int:
    # Claims for one account run one at a time: the second waits here, then finds nothing left
    # to claim. (On SQLite the IMMEDIATE transaction already holds the database's write lock.)
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    visitor_journeys = list(
        Journey.objects.select_for_update()
        .filter(visitor_key=visitor_key, user__isnull=True)
        .prefetch_related("progress")
    )
    if not visitor_journeys:
        return 0
    own = {
        journey.guide_id: journey
        for journey in Journey.objects.select_for_update()
        .filter(user=user, guide_id__in=[journey.guide_id for journey in visitor_journeys])
        .prefetch_related("progress")
    }
    for journey in visitor_journeys:
        if journey.guide_id in own:
            _merge(source=journey, into=own[journey.guide_id])
        else:
            Journey.objects.filter(pk=journey.pk).update(user=user, visitor_key=None)
    return len(visitor_journeys)


def _merge(*, source: Journey, into: Journey) -> None:
    """Fold one journey into another of the same guide, then delete it."""
    kept = {row.step_id: row for row in into.progress.all()}
    moved: list[int] = []
    merged: list[StepProgress] = []
    for row in source.progress.all():
        if row.step_id in kept:
            merged.append(merge_step(kept=kept[row.step_id], other=row))
        else:
            moved.append(row.pk)
    StepProgress.objects.filter(pk__in=moved).update(journey=into)
    StepProgress.objects.bulk_update(
        merged, ["status", "answers", "reached_at", "completed_at", "updated_at"]
    )
    ShareLink.objects.filter(journey=source).update(journey=into)
    older, newer = sorted([source, into], key=lambda journey: journey.updated_at)
    into.answers = {**older.answers, **newer.answers}
    into.started_at = min(source.started_at, into.started_at)
    finished = [at for at in (source.completed_at, into.completed_at) if at is not None]
    into.completed_at = min(finished, default=None)
    into.updated_at = timezone.now()
    into.save(update_fields=["answers", "started_at", "completed_at", "updated_at"])
    source.delete()


def merge_step(*, kept: StepProgress, other: StepProgress) -> StepProgress:
    """The account's row for a step, updated with the visitor's row for the same step."""
    older, newer = sorted([kept, other], key=lambda row: row.updated_at)
    further = max([older, newer], key=lambda row: (FURTHEST_LAST.index(row.status), row is newer))
    kept.status = further.status
    kept.answers = newer.answers or older.answers
    kept.reached_at = min(kept.reached_at, other.reached_at)
    kept.completed_at = further.completed_at if further.status in FINISHED else None
    kept.updated_at = newer.updated_at
    return kept


def signup_allowed(*, client: str) -> bool:
    """Count one sign-up from this client address; whether it is within the limit."""
    return SIGNUPS.hit(client) <= SIGNUPS.limit


def reset_mail_allowed(*, address: str, client: str) -> bool:
    """Count one reset asked for; whether its mail may go (both counts within their limits)."""
    if RESET_MAILS_PER_CLIENT.hit(client) > RESET_MAILS_PER_CLIENT.limit:
        # Not counted against the address: one client over its limit uses up no one's resets.
        return False
    return RESET_MAILS_PER_ADDRESS.hit(fold(address)) <= RESET_MAILS_PER_ADDRESS.limit


def _account_for(email: str) -> User | None:
    # The lookup logging in makes (get_by_natural_key), so sign-up calls "known" what login
    # would reach, in any case or spelling the database folds.
    return User.objects.filter(email__iexact=email).order_by("pk").first()


def awaits_confirmation(account: User) -> bool:
    """Signed up, link not followed yet: inactive and never logged in.

    An account an operator blocked (unticked "active") has logged in before, so signing up
    again never reactivates it.
    """
    return not account.is_active and account.last_login is None


def sign_up(*, email: str, password: str) -> tuple[User, bool]:
    """The account for this address, and whether it waits for the confirmation link.

    A new address gets an inactive account with this password. An account never confirmed takes
    the new password (the link mailed next is tied to it; older links stop working). Any other
    account (active, or blocked by an operator) is left as it is, and the password is hashed all
    the same, so that every case takes the time of one hash. (The form has run Django's password
    validators.)
    """
    account = _account_for(email)
    if account is None:
        try:
            with transaction.atomic():
                return User.objects.create_user(email, password, is_active=False), True
        except IntegrityError:
            # A second sign-up for the address raced this one to the insert.
            account = _account_for(email)
            if account is None:
                raise
    if not awaits_confirmation(account):
        make_password(password)
        return account, False
    account.set_password(password)
    account.save(update_fields=["password"])
    return account, True


def confirm_account(*, user: User) -> None:
    """The link mailed at sign-up was followed: the account can log in from now on."""
    user.is_active = True
    user.save(update_fields=["is_active"])


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Erase the account; its journeys, progress and share links go with it (CASCADE)."""
    user.delete()
