"""Changing guides outside a single save: bulk admin actions, a new step's place, the version.

Bulk updates skip model signals, so each content change renews its guides' content versions here,
as a single save does (signals.py): visitors see the change on their next request.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max, QuerySet

from onboarding.guides.models import Guide, Step, new_content_version


def renew_version(*, guide_id: int | None) -> None:
    """Give the guide a new content version (a cheap single UPDATE)."""
    if guide_id is not None:
        Guide.objects.filter(pk=guide_id).update(content_version=new_content_version())


@transaction.atomic
def set_published(*, steps: QuerySet[Step], published: bool) -> int:
    """Publish or unpublish these steps; return how many changed."""
    return _update_steps(steps.exclude(published=published), published=published)


@transaction.atomic
def mark_reviewed(*, steps: QuerySet[Step], on: datetime.date) -> int:
    """Record that an editor checked these steps against the app on this date."""
    return _update_steps(steps, last_reviewed=on)


def _update_steps(steps: QuerySet[Step], **values: object) -> int:
    guide_ids = set(steps.values_list("guide_id", flat=True))
    changed = Step.objects.filter(pk__in=steps.values("pk")).update(**values)
    for guide_id in guide_ids:
        renew_version(guide_id=guide_id)
    return changed


def next_step_order(*, guide: Guide) -> int:
    """The order that puts a new step after the guide's last one."""
    last = guide.steps.aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1
