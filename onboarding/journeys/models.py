"""One person's walk through a guide: their journey, and where each step of it stands."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from onboarding.guides.models import Guide, Problem, Step


class Journey(models.Model):
    """One person's walk through one guide, kept by account or, for visitors, by visitor key."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="journeys")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="journeys",
    )
    # NULL, not "", for "no visitor key": the per-visitor unique constraint skips NULLs.
    visitor_key = models.CharField(  # noqa: DJ001
        max_length=40,
        null=True,
        blank=True,
        help_text="The random key in a visitor's cookie, until an account claims the journey.",
    )
    answers = models.JSONField(
        default=dict,
        blank=True,
        help_text="Answers that steer which steps apply, e.g. where the person is.",
    )
    started_at = models.DateTimeField("started", default=timezone.now)
    updated_at = models.DateTimeField("last activity", default=timezone.now)
    completed_at = models.DateTimeField("completed", null=True, blank=True)

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
                fields=["visitor_key", "guide"],
                condition=Q(visitor_key__isnull=False),
                name="journey_one_per_visitor_and_guide",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(visitor_key__isnull=False),
                name="journey_has_an_owner",
            ),
        ]
        # The funnel's totals (journeys and completed ones) come from this index alone.
        indexes = [models.Index(fields=["guide", "completed_at"], name="journey_guide_completed")]

    def __str__(self) -> str:
        return f"Journey {self.pk}"


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
    answers = models.JSONField(
        default=dict, blank=True, help_text="Answers that steer the guide; never personal data."
    )
    problem = models.ForeignKey(
        Problem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stuck_on",
        help_text="The problem chosen on “I'm stuck”, if any.",
    )
    reached_at = models.DateTimeField("reached", default=timezone.now)
    updated_at = models.DateTimeField("last changed", default=timezone.now)
    completed_at = models.DateTimeField("finished", null=True, blank=True)

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
