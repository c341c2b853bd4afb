"""What editors edit: guides, their steps, and each step's checklist, facts, problems and words."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from onboarding.guides.conditions import condition_choices
from onboarding.guides.form_kinds import form_kind_choices
from onboarding.guides.markdown import render_markdown

# Names of pages that sit beside the steps' addresses (/guides/<guide>/<name>/).
RESERVED_STEP_SLUGS = ["done", "progress", "glossary", "share-links"]
ORIGINAL_ARTICLE_STEPS = range(0, 11)


def new_content_version() -> str:
    """A never-reused version: a stale copy of a guide can never bring back an old cache key."""
    return uuid.uuid4().hex


def validate_original_steps(value: str) -> None:
    """A comma-separated list of the original article's step numbers, 0 to 10."""
    for part in filter(None, (part.strip() for part in value.split(","))):
        if not part.isdigit() or int(part) not in ORIGINAL_ARTICLE_STEPS:
            raise ValidationError(
                "Write the original article's step numbers (0 to 10) separated by commas, "
                "for example “4, 6”.",
                code="original_steps",
            )


class Guide(models.Model):
    slug = models.SlugField("web address", unique=True, help_text="Part of the guide's address.")
    title = models.CharField(max_length=200, help_text="Shown as the guide's heading.")
    summary = models.TextField(help_text="One or two plain sentences on the landing page.")
    ready_to_pay = models.TextField(
        "ready to pay",
        blank=True,
        help_text="Markdown at the top of the finish page: what to do next, e.g. paying in a shop.",
    )
    ready_to_pay_html = models.TextField(editable=False, default="")
    published = models.BooleanField(default=False, help_text="Visitors only see published guides.")
    content_version = models.CharField(
        max_length=32,
        default=new_content_version,
        editable=False,
        help_text="Renewed on every content change; keys the cached structure.",
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        verbose_name = "guide"
        verbose_name_plural = "guides"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.ready_to_pay_html = render_markdown(self.ready_to_pay)
        self.content_version = new_content_version()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("journeys:task_list", kwargs={"guide": self.slug})


class Step(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(default=0, help_text="Steps are listed in this order.")
    slug = models.SlugField(
        "web address", help_text="Part of the step's address; unique in its guide."
    )
    title = models.CharField(max_length=200, help_text="A task, e.g. “Link an international card”.")
    summary = models.CharField(max_length=300, help_text="One sentence shown in the task list.")
    body = models.TextField(
        help_text="The step's instructions, in Markdown. Headings start at “##”; the page "
        "adds its own title above them."
    )
    body_html = models.TextField(editable=False, default="")
    form_kind = models.CharField(
        "what the page asks",
        max_length=30,
        choices=form_kind_choices,
        default="read",
        help_text="The question or check under the instructions.",
    )
    condition = models.CharField(
        "who takes it",
        max_length=50,
        choices=condition_choices,
        default="always",
        help_text="Which journeys include this step.",
    )
    optional = models.BooleanField(
        default=False, help_text="People may skip it with “Skip: I don't need this”."
    )
    needs = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="needed_by",
        verbose_name="needs first",
        help_text="Steps that must be finished before this one can start. Leave empty unless "
        "this step truly cannot be done before them.",
    )
    original_steps = models.CharField(
        "in the original guide",
        max_length=40,
        blank=True,
        validators=[validate_original_steps],
        help_text="The original article's step numbers this page carries, e.g. “4, 6”.",
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)], help_text="How long the step usually takes."
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When an editor last checked this step against the app."
    )
    published = models.BooleanField(default=True, help_text="Unpublished steps are left out.")

    class Meta:
        verbose_name = "step"
        verbose_name_plural = "steps"
        ordering = ["guide", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "slug"], name="step_slug_unique_in_guide"),
            # These name the pages that share the steps' address space.
            models.CheckConstraint(
                condition=~Q(slug__in=RESERVED_STEP_SLUGS), name="step_slug_not_reserved"
            ),
        ]
        indexes = [models.Index(fields=["guide", "order"], name="step_guide_order")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("journeys:step", kwargs={"guide": self.guide.slug, "step": self.slug})

    @property
    def original_step_numbers(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.original_steps.split(",") if part.strip())


class Problem(models.Model):
    """Something that goes wrong on a step, as the person would say it, and its fix."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="problems")
    order = models.PositiveIntegerField(default=0)
    summary = models.CharField(
        "what went wrong",
        max_length=200,
        help_text="As the person would say it, e.g. “The SMS code does not arrive”.",
    )
    fix = models.TextField(help_text="What to do about it, in Markdown.")
    fix_html = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = "problem"
        verbose_name_plural = "problems"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.summary

    def save(self, *args, **kwargs) -> None:
        self.fix_html = render_markdown(self.fix)
        super().save(*args, **kwargs)


class ChecklistItem(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="checklist_items")
    order = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=300, help_text="One thing to have or do, in plain words.")
    required = models.BooleanField(default=True, help_text="People must tick it to go on.")

    class Meta:
        verbose_name = "checklist item"
        verbose_name_plural = "checklist items"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class Fact(models.Model):
    """A fact that changes over time (a limit, a fee, a card network), with its date and source."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="facts")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(
        help_text="One to three sentences, in Markdown. Where sources disagree, say so."
    )
    text_html = models.TextField(editable=False, default="")
    as_of = models.DateField("as of", help_text="The date the source gives for this fact.")
    source_title = models.CharField(
        "source", max_length=200, help_text="Who says so, e.g. “People's Bank of China”."
    )
    source_url = models.URLField(
        "source address", max_length=500, help_text="The exact page that says it, not a home page."
    )

    class Meta:
        verbose_name = "fact"
        verbose_name_plural = "facts"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.source_title}, {self.as_of:%B %Y}"

    def save(self, *args, **kwargs) -> None:
        self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)


class GlossaryTerm(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="glossary_terms")
    term = models.CharField(max_length=100, help_text="The Chinese as it appears in the app.")
    pinyin = models.CharField(max_length=200, blank=True, help_text="How to say it.")
    meaning = models.CharField(max_length=200, help_text="The English meaning.")
    steps = models.ManyToManyField(
        Step, blank=True, related_name="glossary_terms", help_text="Steps where it appears."
    )

    class Meta:
        verbose_name = "glossary term"
        verbose_name_plural = "glossary terms"
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "term"], name="glossary_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.meaning})"


class Phrase(models.Model):
    """A phrase for the counter, printed on the finish page's phrase card."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="phrases")
    order = models.PositiveIntegerField(default=0)
    chinese = models.CharField(max_length=100)
    pinyin = models.CharField(max_length=200)
    english = models.CharField(max_length=200)

    class Meta:
        verbose_name = "phrase"
        verbose_name_plural = "phrases"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.english
