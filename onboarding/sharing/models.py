"""Share links: read-only links to one journey's progress, for a helper."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from onboarding.journeys.models import Journey


class ShareLink(models.Model):
    """A read-only link to a journey's progress; only a hash of its token is stored."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(
        max_length=64, unique=True, editable=False, help_text="SHA-256 of the token, hex."
    )
    created_at = models.DateTimeField("created", default=timezone.now)
    expires_at = models.DateTimeField("expires", null=True, blank=True, help_text="Empty: never.")
    revoked_at = models.DateTimeField("revoked", null=True, blank=True)

    class Meta:
        verbose_name = "share link"
        verbose_name_plural = "share links"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share link created {timezone.localtime(self.created_at):%-d %B %Y, %H:%M}"
