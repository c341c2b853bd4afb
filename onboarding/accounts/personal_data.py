"""An account's life: created at sign-up, exported on request, erased with all it holds."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from onboarding.accounts.models import User
from onboarding.models import Journey, StepProgress

EXPORT_FORMAT = "step-by-step/account-export/1"


class EmailTaken(Exception):
    """Someone else signed up with this email address first."""


def create_account(*, email: str, password: str) -> User:
    """A new account with a checked password (the form has run Django's validators)."""
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password)
    except IntegrityError as error:
        # The form checked the address was free; a second sign-up raced it to the insert.
        raise EmailTaken(email) from error


def export_account(*, user: User) -> dict[str, Any]:
    """Everything kept about the account, as JSON-ready data: the account, journeys, answers."""
    journeys = (
        Journey.objects.filter(user=user)
        .select_related("guide")
        .order_by("guide__title")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=StepProgress.objects.select_related("step").order_by("step__order"),
            ),
            "share_links",
        )
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "journeys": [_journey_data(journey) for journey in journeys],
    }


def _journey_data(journey: Journey) -> dict[str, Any]:
    return {
        "guide": journey.guide.slug,
        "guide_title": journey.guide.title,
        "started_at": journey.started_at,
        "updated_at": journey.updated_at,
        "completed_at": journey.completed_at,
        "answers": journey.answers,
        "steps": [
            {
                "step": row.step.slug,
                "title": row.step.title,
                "status": row.status,
                "answers": row.answers,
                "reached_at": row.reached_at,
                "updated_at": row.updated_at,
                "completed_at": row.completed_at,
            }
            for row in journey.progress.all()
        ],
        # Only a hash of each token is kept, so the links themselves cannot be exported.
        "share_links": [
            {
                "created_at": link.created_at,
                "expires_at": link.expires_at,
                "revoked_at": link.revoked_at,
            }
            for link in journey.share_links.all()
        ],
    }


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Erase the account; its journeys, progress and share links go with it (CASCADE)."""
    user.delete()
