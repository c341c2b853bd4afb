"""What the account page shows and what an account may download: its guides, progress, data."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from onboarding.accounts.models import User
from onboarding.guides.models import Guide
from onboarding.guides.selectors import guide_structure
from onboarding.journeys.models import Journey, StepProgress
from onboarding.journeys.selectors import Progress, RowSnapshot, progress_of


def guides_of(*, user: User) -> list[Progress]:
    """Each published guide with this account's progress (three queries, whatever the count)."""
    own = Journey.objects.filter(user=user).prefetch_related("progress")
    guides = (
        Guide.objects.filter(published=True)
        .order_by("title")
        .prefetch_related(Prefetch("journeys", queryset=own))
    )
    progress = []
    for guide in guides:
        journey = next(iter(guide.journeys.all()), None)
        rows = {
            row.step_id: RowSnapshot(
                row.status, row.answers, row.completed_at, row.updated_at, row.problem_id
            )
            for row in (journey.progress.all() if journey else ())
        }
        progress.append(
            progress_of(structure=guide_structure(guide=guide), journey=journey, rows=rows)
        )
    return progress


EXPORT_FORMAT = "step-by-step/account-export/1"


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
