"""Guide content: Markdown to sanitised HTML, and the cached, versioned structure of a guide.

Rendering happens when an editor saves, never per request. The structure of a published guide
(its steps, checklists, glossary and sources) is read from the database once per content version
and cached; the version lives on the Guide row, so every process sees an editor's change on its
next request whatever cache backend it uses.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import markdown
import nh3
from django.db.models import Prefetch
from django.urls import reverse

from onboarding import immutable_cache

_ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


def render_markdown(text: str) -> str:
    """Markdown to HTML with only harmless tags, attributes and http(s)/mailto links left."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@dataclass(frozen=True, slots=True)
class ChecklistEntry:
    id: int
    text: str
    required: bool


@dataclass(frozen=True, slots=True)
class SourceEntry:
    title: str
    url: str
    checked_on: datetime.date


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    term: str
    pinyin: str
    meaning: str


@dataclass(frozen=True, slots=True)
class StepInfo:
    """What a page needs to know about one step; immutable and safe to cache."""

    id: int
    slug: str
    url: str
    title: str
    summary: str
    body_html: str
    troubleshooting_html: str
    form_kind: str
    condition: str
    optional: bool
    estimated_minutes: int
    last_reviewed: datetime.date | None
    checklist: tuple[ChecklistEntry, ...]
    sources: tuple[SourceEntry, ...]
    glossary: tuple[GlossaryEntry, ...]


@dataclass(frozen=True, slots=True)
class GuideStructure:
    id: int
    version: str
    slug: str
    title: str
    summary: str
    tips_html: str
    steps: tuple[StepInfo, ...]

    def step(self, slug: str) -> StepInfo | None:
        """The step with this slug, or None."""
        return next((step for step in self.steps if step.slug == slug), None)

    @property
    def total_minutes(self) -> int:
        return sum(step.estimated_minutes for step in self.steps)


def guide_structure(*, guide_id: int, version: str) -> GuideStructure:
    """The published structure of a guide at a content version, read once per version."""
    return immutable_cache.get_or_set(
        f"guide-structure:{guide_id}:{version}",
        lambda: _load_structure(guide_id),
        timeout=24 * 3600,
    )


def _load_structure(guide_id: int) -> GuideStructure:
    from onboarding.models import ChecklistItem, GlossaryTerm, Guide, Source, Step

    guide = Guide.objects.prefetch_related(
        Prefetch(
            "steps",
            queryset=Step.objects.filter(published=True).prefetch_related(
                Prefetch("checklist_items", queryset=ChecklistItem.objects.order_by("order", "id")),
                Prefetch("sources", queryset=Source.objects.order_by("id")),
                Prefetch("glossary_terms", queryset=GlossaryTerm.objects.order_by("term")),
            ),
        )
    ).get(pk=guide_id)
    steps = tuple(
        StepInfo(
            id=step.id,
            slug=step.slug,
            url=reverse("step", kwargs={"guide": guide.slug, "step": step.slug}),
            title=step.title,
            summary=step.summary,
            body_html=step.body_html,
            troubleshooting_html=step.troubleshooting_html,
            form_kind=step.form_kind,
            condition=step.condition,
            optional=step.optional,
            estimated_minutes=step.estimated_minutes,
            last_reviewed=step.last_reviewed,
            checklist=tuple(
                ChecklistEntry(id=item.id, text=item.text, required=item.required)
                for item in step.checklist_items.all()
            ),
            sources=tuple(
                SourceEntry(title=source.title, url=source.url, checked_on=source.checked_on)
                for source in step.sources.all()
            ),
            glossary=tuple(
                GlossaryEntry(term=term.term, pinyin=term.pinyin, meaning=term.meaning)
                for term in step.glossary_terms.all()
            ),
        )
        for step in sorted(guide.steps.all(), key=lambda step: (step.order, step.id))
    )
    return GuideStructure(
        id=guide.id,
        version=guide.content_version,
        slug=guide.slug,
        title=guide.title,
        summary=guide.summary,
        tips_html=guide.tips_html,
        steps=steps,
    )
