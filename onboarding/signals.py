"""Renew a guide's content version whenever any of its content changes.

The version keys the cached guide structure (content.py), so every process, whatever its cache,
serves an editor's change on its next request.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from onboarding.models import ChecklistItem, GlossaryTerm, Guide, Source, Step, new_content_version


def renew_version(guide_id: int | None) -> None:
    """Give the guide a new content version (a cheap single UPDATE)."""
    if guide_id is not None:
        Guide.objects.filter(pk=guide_id).update(content_version=new_content_version())


def _guide_id_of(instance: Any) -> int | None:
    if isinstance(instance, Step | GlossaryTerm):
        return instance.guide_id
    return Step.objects.filter(pk=instance.step_id).values_list("guide_id", flat=True).first()


@receiver([post_save, post_delete], sender=Step)
@receiver([post_save, post_delete], sender=ChecklistItem)
@receiver([post_save, post_delete], sender=Source)
@receiver([post_save, post_delete], sender=GlossaryTerm)
def content_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    renew_version(_guide_id_of(instance))


@receiver(m2m_changed, sender=GlossaryTerm.steps.through)
def glossary_links_changed(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        # The instance is the term, or the step when linked from the step's side: both know it.
        renew_version(instance.guide_id)
