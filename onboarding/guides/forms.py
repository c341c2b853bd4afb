"""The editors' step form: an address that is free in its guide, and needs that form no loop."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from onboarding.guides.models import RESERVED_STEP_SLUGS, Step


class StepAdminForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = [
            "guide", "title", "slug", "summary", "published", "body", "estimated_minutes",
            "original_steps", "form_kind", "condition", "optional", "needs", "last_reviewed",
        ]  # fmt: skip
        # Checkboxes need no script, and show every choice at once.
        widgets = {"needs": forms.CheckboxSelectMultiple}
        # What each field does on the site, in the words of the pages it changes.
        help_texts = {
            "published": "Visitors see only published steps; an unpublished one is left out of "
            "the counts too.",
            "body": "The step's instructions, in Markdown. Use any heading level: the page puts "
            "the step's title above them and nests the headings under it.",
            "estimated_minutes": "How long the step usually takes. The task list adds these up "
            "for the steps that apply to each person.",
            "condition": "Who gets this step, from their answers on the first step. Until they "
            "answer, the step says what it depends on (e.g. “Depends on where you are”).",
            "optional": "Adds a “Skip: I don't need this” button; a skipped step counts as "
            "finished.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The other steps of its guide, in walking order, as the glossary links offer.
            self.fields["needs"].queryset = Step.objects.filter(
                guide_id=self.instance.guide_id
            ).exclude(pk=self.instance.pk)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        guide, slug = cleaned.get("guide"), cleaned.get("slug")
        taken = Step.objects.filter(guide=guide, slug=slug).exclude(pk=self.instance.pk)
        if guide and slug and taken.exists():
            # On the field, where the editor can fix it (the constraint's error names no field).
            self.add_error(
                "slug",
                forms.ValidationError(
                    "Another step of this guide has this address. Choose another.", code="unique"
                ),
            )
        return cleaned

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_STEP_SLUGS:
            raise forms.ValidationError(
                "“%(slug)s” is taken by the guide's own pages. Choose another address.",
                code="reserved",
                params={"slug": slug},
            )
        return slug

    def clean_needs(self) -> Any:
        needs = self.cleaned_data["needs"]
        guide = self.cleaned_data.get("guide")
        if guide is not None and any(step.guide_id != guide.pk for step in needs):
            raise forms.ValidationError(
                "A step can only need steps of its own guide.", code="other_guide"
            )
        # Nothing can need a step before it exists, so a new step closes no loop.
        if self.instance.pk is not None:
            loop = _loop_through(self.instance, needs)
            if loop:
                raise forms.ValidationError(
                    "These steps would wait for each other for ever: %(loop)s. Remove one of "
                    "them from “needs first”.",
                    code="loop",
                    params={"loop": " → ".join(loop)},
                )
        return needs


def _loop_through(step: Step, needs: Any) -> list[str]:
    """The titles around a loop that these needs would make back to the step, if any."""
    titles = dict(Step.objects.filter(guide_id=step.guide_id).values_list("pk", "title"))
    edges: dict[int, list[int]] = {pk: [] for pk in titles}
    for source, target in Step.needs.through.objects.filter(
        from_step__guide_id=step.guide_id
    ).values_list("from_step_id", "to_step_id"):
        edges.setdefault(source, []).append(target)
    edges[step.pk] = [needed.pk for needed in needs]
    return [titles.get(pk, str(pk)) for pk in find_loop(step.pk, edges)]


def find_loop(start: int, edges: Mapping[int, Iterable[int]]) -> list[int]:
    """The steps of a loop of needs from `start` back to it (start first and last), or [].

    Each step's needs are read once: a step walked from without coming back to `start` is not
    walked again, however many paths lead to it (a guide's needs can branch and merge a lot).
    """
    path: list[int] = []
    cleared: set[int] = set()

    def walk(current: int) -> bool:
        if current == start and path:
            return True
        if current in path or current in cleared:
            return False
        path.append(current)
        if any(walk(target) for target in edges.get(current, ())):
            return True
        path.pop()
        cleared.add(current)
        return False

    return [*path, start] if walk(start) else []
