"""Reading guides: the published structure of a guide, cached under its content version.

Every page needs a guide's structure (its steps, checklists, facts, problems and words), and
editors change it rarely. It is read from the database once per content version and kept in each
process. The version lives on the Guide row, which every request reads anyway, and every content
save renews it (signals.py, services.py), so a process can never serve a structure an editor has
since changed: an old version's copy is simply never asked for again.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import conditional_escape

from onboarding.guides.models import (
    ChecklistItem,
    Fact,
    GlossaryTerm,
    Guide,
    Phrase,
    Problem,
    Step,
)


@dataclass(frozen=True, slots=True)
class ChecklistEntry:
    id: int
    text: str
    required: bool


@dataclass(frozen=True, slots=True)
class FactEntry:
    text_html: str
    as_of: datetime.date
    source_title: str
    source_url: str


@dataclass(frozen=True, slots=True)
class ProblemEntry:
    id: int
    summary: str
    fix_html: str


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    term: str
    pinyin: str
    meaning: str
    # (slug, title) of each published step it appears on, in the guide's order.
    steps: tuple[tuple[str, str], ...] = ()

    @property
    def step_slugs(self) -> tuple[str, ...]:
        return tuple(slug for slug, _ in self.steps)


@dataclass(frozen=True, slots=True)
class PhraseEntry:
    chinese: str
    pinyin: str
    english: str


@dataclass(frozen=True, slots=True)
class StepInfo:
    """What a page needs to know about one step; immutable and safe to share between requests."""

    id: int
    slug: str
    url: str
    title: str
    summary: str
    body_html: str
    form_kind: str
    condition: str
    optional: bool
    needs: tuple[str, ...]
    original_steps: tuple[int, ...]
    # Whether the page must say which original steps it carries: the body may say so for each.
    marks_original_steps: bool
    estimated_minutes: int
    last_reviewed: datetime.date | None
    checklist: tuple[ChecklistEntry, ...]
    facts: tuple[FactEntry, ...]
    problems: tuple[ProblemEntry, ...]
    glossary: tuple[GlossaryEntry, ...]

    def problem(self, problem_id: int) -> ProblemEntry | None:
        """This step's problem with that id, or None."""
        return next((problem for problem in self.problems if problem.id == problem_id), None)


@dataclass(frozen=True, slots=True)
class GuideStructure:
    id: int
    version: str
    slug: str
    title: str
    summary: str
    ready_to_pay_html: str
    steps: tuple[StepInfo, ...]
    glossary: tuple[GlossaryEntry, ...]
    phrases: tuple[PhraseEntry, ...]
    # Its pages' addresses, reversed once per version instead of on every page that links them.
    task_list_url: str = ""
    sidebar_url: str = ""
    # Guide content rendered to HTML, the same for everyone, kept with the version it renders
    # (guides/templatetags/guide_content.py, journeys/templatetags/step_list.py): it goes when
    # the structure does.
    fragments: dict[tuple, str] = field(default_factory=dict, compare=False, repr=False)

    def step(self, slug: str) -> StepInfo | None:
        """The step with this slug, or None."""
        return next((step for step in self.steps if step.slug == slug), None)

    def title_of(self, slug: str) -> str:
        step = self.step(slug)
        return step.title if step else slug


ORIGINAL_MARKER = "In the original guide"

# Each process keeps the structures it has read; a few guides, a few versions each.
_KEPT_VERSIONS = 32
_lock = threading.Lock()
_structures: OrderedDict[tuple[int, str], GuideStructure] = OrderedDict()


def guide_structure(*, guide: Guide) -> GuideStructure:
    """The published structure of a guide at the content version this request read."""
    key = (guide.pk, guide.content_version)
    with _lock:
        if key in _structures:
            _structures.move_to_end(key)
            return _structures[key]
    structure = _load_structure(guide.pk)
    with _lock:
        # Stored under the version the caller read: if an editor saved meanwhile, the next
        # request reads the newer version and loads again.
        _structures[key] = structure
        while len(_structures) > _KEPT_VERSIONS:
            _structures.popitem(last=False)
    return structure


def forget_structures() -> None:
    """Drop this process's copies (each test starts from the database)."""
    with _lock:
        _structures.clear()


def published_guide(*, slug: str) -> Guide | None:
    """The published guide with this slug, or None."""
    return Guide.objects.filter(slug=slug, published=True).first()


def published_guides() -> list[Guide]:
    """Every published guide, by title."""
    return list(Guide.objects.filter(published=True).order_by("title"))


def _load_structure(guide_id: int) -> GuideStructure:
    terms = GlossaryTerm.objects.order_by("term").prefetch_related(
        Prefetch(
            "steps", queryset=Step.objects.filter(published=True).only("slug", "title", "order")
        )
    )
    guide = Guide.objects.prefetch_related(
        Prefetch(
            "steps",
            queryset=Step.objects.filter(published=True).prefetch_related(
                Prefetch("checklist_items", queryset=ChecklistItem.objects.order_by("order", "id")),
                Prefetch("facts", queryset=Fact.objects.order_by("order", "id")),
                Prefetch("problems", queryset=Problem.objects.order_by("order", "id")),
                Prefetch("needs", queryset=Step.objects.filter(published=True).only("slug")),
            ),
        ),
        Prefetch("glossary_terms", queryset=terms),
        Prefetch("phrases", queryset=Phrase.objects.order_by("order", "id")),
    ).get(pk=guide_id)
    glossary = tuple(
        GlossaryEntry(
            term=term.term,
            pinyin=term.pinyin,
            meaning=term.meaning,
            steps=tuple(
                (step.slug, step.title)
                for step in sorted(term.steps.all(), key=lambda step: (step.order, step.pk))
            ),
        )
        for term in guide.glossary_terms.all()
    )
    steps = tuple(
        _step_info(guide, step, glossary)
        for step in sorted(guide.steps.all(), key=lambda step: (step.order, step.id))
    )
    return GuideStructure(
        id=guide.id,
        version=guide.content_version,
        slug=guide.slug,
        title=guide.title,
        summary=guide.summary,
        ready_to_pay_html=guide.ready_to_pay_html,
        steps=steps,
        glossary=glossary,
        phrases=tuple(
            PhraseEntry(chinese=phrase.chinese, pinyin=phrase.pinyin, english=phrase.english)
            for phrase in guide.phrases.all()
        ),
        task_list_url=_page_url("journeys:task_list", guide=guide.slug),
        sidebar_url=_page_url("journeys:sidebar", guide=guide.slug),
    )


def _page_url(name: str, **kwargs: str) -> str:
    """The page's address, escaped for HTML once here rather than on every page that shows it
    (the same text: an address reversed from slugs has no character HTML would escape)."""
    return conditional_escape(reverse(name, kwargs=kwargs))


def _step_info(guide: Guide, step: Step, glossary: tuple[GlossaryEntry, ...]) -> StepInfo:
    return StepInfo(
        id=step.id,
        slug=step.slug,
        url=_page_url("journeys:step", guide=guide.slug, step=step.slug),
        title=step.title,
        summary=step.summary,
        body_html=step.body_html,
        form_kind=step.form_kind,
        condition=step.condition,
        optional=step.optional,
        needs=tuple(needed.slug for needed in step.needs.all()),
        original_steps=step.original_step_numbers,
        marks_original_steps=any(
            f"{ORIGINAL_MARKER}: step {number}" not in step.body
            for number in step.original_step_numbers
        ),
        estimated_minutes=step.estimated_minutes,
        last_reviewed=step.last_reviewed,
        checklist=tuple(
            ChecklistEntry(id=item.id, text=item.text, required=item.required)
            for item in step.checklist_items.all()
        ),
        facts=tuple(
            FactEntry(
                text_html=fact.text_html,
                as_of=fact.as_of,
                source_title=fact.source_title,
                source_url=fact.source_url,
            )
            for fact in step.facts.all()
        ),
        problems=tuple(
            ProblemEntry(id=problem.id, summary=problem.summary, fix_html=problem.fix_html)
            for problem in step.problems.all()
        ),
        glossary=tuple(entry for entry in glossary if step.slug in entry.step_slugs),
    )
