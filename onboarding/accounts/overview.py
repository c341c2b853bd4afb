"""What the account page shows: every published guide with the account's progress in it."""

from __future__ import annotations

from django.db.models import Prefetch

from onboarding.accounts.models import User
from onboarding.models import Guide, Journey
from onboarding.progress import Progress, progress_of


def guides_of(*, user: User) -> list[Progress]:
    """Each published guide with this account's progress (three queries, whatever the count)."""
    own = Journey.objects.filter(user=user).prefetch_related("progress")
    guides = (
        Guide.objects.filter(published=True)
        .order_by("title")
        .prefetch_related(Prefetch("journeys", queryset=own))
    )
    return [
        progress_of(guide=guide, journey=next(iter(guide.journeys.all()), None)) for guide in guides
    ]
