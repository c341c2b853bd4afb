"""Renew a guide's content version whenever any of its content changes.

The version keys the cached guide structure (selectors.py), so every process, whatever its cache,
serves an editor's change on its next request.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from onboarding.guides.models import (
    ChecklistItem,
    Fact,
    GlossaryTerm,
    Phrase,
    Problem,
    Step,
)
from onboarding.guides.services import renew_version

_STEP_CONTENT = (ChecklistItem, Fact, Problem)


def _guide_id_of(instance: Any) -> int | None:
    if isinstance(instance, _STEP_CONTENT):
        return Step.objects.filter(pk=instance.step_id).values_list("guide_id", flat=True).first()
    return instance.guide_id


@receiver([post_save, post_delete], sender=Step)
@receiver([post_save, post_delete], sender=ChecklistItem)
@receiver([post_save, post_delete], sender=Fact)
@receiver([post_save, post_delete], sender=Problem)
@receiver([post_save, post_delete], sender=GlossaryTerm)
@receiver([post_save, post_delete], sender=Phrase)
def content_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    renew_version(guide_id=_guide_id_of(instance))


@receiver(m2m_changed, sender=GlossaryTerm.steps.through)
@receiver(m2m_changed, sender=Step.needs.through)
def links_changed(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        # The instance is a step or a term, whichever side the link was made from: both know it.
        renew_version(guide_id=instance.guide_id)
