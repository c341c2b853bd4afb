"""Guides and their content (edited in admin), and people's journeys through them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from onboarding.conditions import condition_choices
from onboarding.content import render_markdown
from onboarding.step_forms import form_kind_choices

RESERVED_STEP_SLUGS = ["done", "progress"]


def new_content_version() -> str:
    """A never-reused version: a stale copy of a guide can never bring back an old cache key."""
    return uuid.uuid4().hex


class Guide(models.Model):
    slug = models.SlugField(unique=True, help_text="Part of the guide's web address.")
    title = models.CharField(max_length=200, help_text="Shown as the guide's heading.")
    summary = models.TextField(help_text="One or two plain sentences on the landing page.")
    tips = models.TextField(blank=True, help_text="Markdown shown after the last step.")
    tips_html = models.TextField(editable=False, default="")
    published = models.BooleanField(default=False, help_text="Visitors only see published guides.")
    content_version = models.CharField(
        max_length=32,
        default=new_content_version,
        editable=False,
        help_text="Renewed on every content change; keys the cached structure.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "guide"
        verbose_name_plural = "guides"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.tips_html = render_markdown(self.tips)
        self.content_version = new_content_version()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("guide", kwargs={"guide": self.slug})


class Step(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(default=0, help_text="Steps are walked in this order.")
    slug = models.SlugField(help_text="Part of the step's web address; unique in its guide.")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, help_text="One sentence shown in the task list.")
    body = models.TextField(help_text="The step's instructions, in Markdown.")
    body_html = models.TextField(editable=False, default="")
    form_kind = models.CharField(
        max_length=30,
        choices=form_kind_choices,
        default="read",
        help_text="What the person confirms on this step.",
    )
    condition = models.CharField(
        max_length=50,
        choices=condition_choices,
        default="always",
        help_text="Which journeys take this step.",
    )
    optional = models.BooleanField(default=False, help_text="People may skip this step.")
    troubleshooting = models.TextField(
        blank=True, help_text="Markdown shown when someone presses “I'm stuck”."
    )
    troubleshooting_html = models.TextField(editable=False, default="")
    estimated_minutes = models.PositiveSmallIntegerField(
        default=2, help_text="How long the step usually takes."
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
            # These name the finish page and the sidebar partial, beside the steps' addresses.
            models.CheckConstraint(
                condition=~Q(slug__in=RESERVED_STEP_SLUGS), name="step_slug_not_reserved"
            ),
        ]
        indexes = [models.Index(fields=["guide", "order"], name="step_guide_order")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body)
        self.troubleshooting_html = render_markdown(self.troubleshooting)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("step", kwargs={"guide": self.guide.slug, "step": self.slug})


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


class Source(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=200, help_text="Who says so, e.g. the publisher.")
    url = models.URLField(help_text="Where the fact can be checked.")
    checked_on = models.DateField(help_text="When an editor last checked the source.")

    class Meta:
        verbose_name = "source"
        verbose_name_plural = "sources"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class GlossaryTerm(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="glossary_terms")
    term = models.CharField(max_length=100, help_text="The Chinese as it appears in the app.")
    pinyin = models.CharField(max_length=200, blank=True)
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


class Journey(models.Model):
    """One person's walk through one guide, kept by account or, for visitors, by session."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="journeys")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="journeys",
    )
    # NULL, not "", for "no visitor key": the per-visitor unique constraint skips NULLs.
    session_key = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    answers = models.JSONField(
        default=dict, blank=True, help_text="Answers that steer which steps apply."
    )
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "journey"
        verbose_name_plural = "journeys"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "guide"],
                condition=Q(user__isnull=False),
                name="journey_one_per_user_and_guide",
            ),
            models.UniqueConstraint(
                fields=["session_key", "guide"],
                condition=Q(session_key__isnull=False),
                name="journey_one_per_session_and_guide",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(session_key__isnull=False),
                name="journey_has_an_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"Journey {self.pk} through {self.guide_id}"


class StepProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"
        STUCK = "stuck", "Stuck"

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="progress")
    # Deleting a step deletes its progress rows: a step that no longer exists has no status.
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=20, choices=Status, default=Status.IN_PROGRESS)
    answers = models.JSONField(default=dict, blank=True, help_text="Never holds a secret.")
    reached_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "step progress"
        verbose_name_plural = "step progress"
        constraints = [
            models.UniqueConstraint(fields=["journey", "step"], name="progress_one_per_step"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=F("reached_at")),
                name="progress_completed_after_reached",
            ),
        ]
        indexes = [models.Index(fields=["step", "status"], name="progress_step_status")]

    def __str__(self) -> str:
        return f"{self.step_id}: {self.status}"


class ShareLink(models.Model):
    """A read-only link to a journey's progress; only a hash of its token is stored."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(
        max_length=64, unique=True, editable=False, help_text="SHA-256 of the token, hex."
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "share link"
        verbose_name_plural = "share links"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share link {self.pk} of journey {self.journey_id}"
