"""Load the guides shipped in onboarding/guides/*.toml into the database.

Idempotent and respectful of editors: it creates what is missing (a guide, a step, a glossary
term) and never changes a row that exists, so a second run changes nothing and an editor's
fixes survive every deploy. A step's checklist and sources are created with the step only.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from onboarding.models import ChecklistItem, GlossaryTerm, Guide, Source, Step

GUIDES_DIR = Path(__file__).resolve().parents[2] / "guides"


class Command(BaseCommand):
    help = "Create the shipped guides' missing content; never overwrite what editors changed."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in sorted(GUIDES_DIR.glob("*.toml")):
            with path.open("rb") as file:
                created = seed_guide(tomllib.load(file))
            self.stdout.write(f"{path.name}: {created} new rows")


@transaction.atomic
def seed_guide(data: dict[str, Any]) -> int:
    """Create the guide, steps and glossary terms that do not exist yet; return how many."""
    spec = data["guide"]
    guide, guide_created = Guide.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "summary": spec["summary"],
            "tips": spec.get("tips", ""),
            "published": True,
        },
    )
    created = int(guide_created)
    steps = {}
    for position, step_spec in enumerate(data["steps"], start=1):
        step, step_created = Step.objects.get_or_create(
            guide=guide,
            slug=step_spec["slug"],
            defaults={
                "order": position * 10,
                "title": step_spec["title"],
                "summary": step_spec["summary"],
                "body": step_spec["body"],
                "form_kind": step_spec["form_kind"],
                "condition": step_spec.get("condition", "always"),
                "optional": step_spec.get("optional", False),
                "troubleshooting": step_spec.get("troubleshooting", ""),
                "estimated_minutes": step_spec.get("estimated_minutes", 2),
                "last_reviewed": step_spec.get("last_reviewed"),
            },
        )
        steps[step.slug] = step
        if step_created:
            created += 1 + _create_step_children(step, step_spec)
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


def _create_step_children(step: Step, spec: dict[str, Any]) -> int:
    items = [
        ChecklistItem(
            step=step, order=order, text=item["text"], required=item.get("required", True)
        )
        for order, item in enumerate(spec.get("checklist", []), start=1)
    ]
    sources = [
        Source(step=step, title=source["title"], url=source["url"], checked_on=source["checked_on"])
        for source in spec.get("sources", [])
    ]
    ChecklistItem.objects.bulk_create(items)
    Source.objects.bulk_create(sources)
    return len(items) + len(sources)
