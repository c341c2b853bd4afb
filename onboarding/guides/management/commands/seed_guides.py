"""Load the guides shipped in onboarding/guides/data/*.toml into the database.

Idempotent and respectful of editors: it creates what is missing (a guide, a step, a glossary
term, a phrase) and never changes a row that exists, so a second run changes nothing and an
editor's fixes survive every deploy. A step's checklist, facts, problems and needs are created
with the step only.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from onboarding.guides.models import (
    ChecklistItem,
    Fact,
    GlossaryTerm,
    Guide,
    Phrase,
    Problem,
    Step,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = "Create the shipped guides' missing content; never overwrite what editors changed."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in sorted(DATA_DIR.glob("*.toml")):
            with path.open("rb") as file:
                created = seed_guide(tomllib.load(file))
            self.stdout.write(f"{path.name}: {created} new rows")


@transaction.atomic
def seed_guide(data: dict[str, Any]) -> int:
    """Create the guide, steps, glossary terms and phrases that do not exist yet; how many."""
    spec = data["guide"]
    guide, guide_created = Guide.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "summary": spec["summary"],
            "ready_to_pay": spec.get("ready_to_pay", ""),
            "published": True,
        },
    )
    created = int(guide_created)
    if guide_created:
        phrases = [
            Phrase(guide=guide, order=order, **phrase)
            for order, phrase in enumerate(spec.get("phrases", []), start=1)
        ]
        created += len(Phrase.objects.bulk_create(phrases))
    steps: dict[str, Step] = {}
    new_steps: list[tuple[Step, dict[str, Any]]] = []
    for position, step_spec in enumerate(data["steps"], start=1):
        step, step_created = Step.objects.get_or_create(
            guide=guide, slug=step_spec["slug"], defaults=_step_fields(step_spec, position)
        )
        steps[step.slug] = step
        if step_created:
            new_steps.append((step, step_spec))
    for step, step_spec in new_steps:
        created += 1 + _create_step_children(step, step_spec)
        step.needs.set(steps[slug] for slug in step_spec.get("needs", []) if slug in steps)
    for term_spec in data.get("glossary", []):
        term, term_created = GlossaryTerm.objects.get_or_create(
            guide=guide,
            term=term_spec["term"],
            defaults={"pinyin": term_spec.get("pinyin", ""), "meaning": term_spec["meaning"]},
        )
        if term_created:
            created += 1
            term.steps.set(steps[slug] for slug in term_spec.get("steps", []) if slug in steps)
    return created


def _step_fields(spec: dict[str, Any], position: int) -> dict[str, Any]:
    return {
        "order": position * 10,
        "title": spec["title"],
        "summary": spec["summary"],
        "body": spec["body"],
        "form_kind": spec["form_kind"],
        "condition": spec.get("condition", "always"),
        "optional": spec.get("optional", False),
        "original_steps": ", ".join(str(number) for number in spec.get("original_steps", [])),
        "estimated_minutes": spec.get("estimated_minutes", 2),
        "last_reviewed": spec.get("last_reviewed"),
    }


def _create_step_children(step: Step, spec: dict[str, Any]) -> int:
    items = [
        ChecklistItem(
            step=step, order=order, text=item["text"], required=item.get("required", True)
        )
        for order, item in enumerate(spec.get("checklist", []), start=1)
    ]
    # save() renders each fact's and fix's Markdown, so these are created one by one.
    for order, fact in enumerate(spec.get("facts", []), start=1):
        Fact(step=step, order=order, **fact).save()
    for order, problem in enumerate(spec.get("problems", []), start=1):
        Problem(step=step, order=order, summary=problem["summary"], fix=problem["fix"]).save()
    ChecklistItem.objects.bulk_create(items)
    return len(items) + len(spec.get("facts", [])) + len(spec.get("problems", []))
