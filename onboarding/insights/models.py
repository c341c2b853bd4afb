"""The counts the funnel reads: how many progress rows each step has, by status and time taken."""

from __future__ import annotations

from django.db import models

from onboarding.guides.models import Step


class StepCount(models.Model):
    """How many progress rows of a step have this status, time taken and problem chosen.

    The database keeps these rows, not Python: triggers on the progress table (step_counts.py,
    installed by this app's first migration) add one for every row inserted and take one away
    for every row deleted, and move one when a row's status, times or problem change, whoever
    makes the change (a save, a login's merge, a cascade from the admin). The funnel reads these
    few rows instead of every journey's progress.
    """

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    # Seconds from reached to finished, to the second under an hour, to the minute under two
    # days and to the hour beyond (the median needs no finer); -1 for a row not finished.
    taken = models.BigIntegerField()
    # The problem a stuck row chose, 0 for none or for a row that is not stuck. Not a foreign
    # key: deleting a problem clears it from the progress rows, and the trigger moves their
    # counts to 0 then.
    problem = models.BigIntegerField()
    total = models.BigIntegerField()

    class Meta:
        verbose_name = "step count"
        verbose_name_plural = "step counts"
        constraints = [
            models.UniqueConstraint(
                fields=["step", "status", "taken", "problem"], name="step_count_one_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step_id} {self.status} {self.taken} s {self.problem}: {self.total}"
