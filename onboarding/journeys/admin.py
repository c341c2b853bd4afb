"""Admin for journeys: read-only, with each step's status and dates; nothing personal.

Lists filter only by the filters declared here: Django would otherwise let a query string look
rows up by any field (a visitor key, answers, an owner), so `DeclaredFiltersOnly` refuses the rest.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest

from onboarding.guides.admin_site import DeclaredFiltersOnly
from onboarding.guides.models import Step
from onboarding.journeys.models import Journey, StepProgress
from onboarding.journeys.selectors import FINISHED, Status


class ReadOnlyAdmin(DeclaredFiltersOnly):
    """Rows people's own actions write: listed and viewed here, never added, edited or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProgressInline(admin.TabularInline):
    """Each step's status and dates; answers stay out of the admin."""

    model = StepProgress
    fields = ["step", "status", "reached_at", "completed_at"]
    readonly_fields = fields
    ordering = ["step__order", "step_id"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class JourneyStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("completed", "Completed"), ("stuck", "Stuck on a step"), ("underway", "Under way")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Journey]) -> QuerySet[Journey]:
        stuck = Exists(StepProgress.objects.filter(journey=OuterRef("pk"), status=Status.STUCK))
        if self.value() == "completed":
            return queryset.filter(completed_at__isnull=False)
        if self.value() == "stuck":
            return queryset.filter(stuck)
        if self.value() == "underway":
            return queryset.filter(~stuck, completed_at__isnull=True)
        return queryset


class StuckStepFilter(admin.SimpleListFilter):
    title = "stuck on"
    parameter_name = "stuck_on"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        steps = Step.objects.select_related("guide").order_by("guide__title", "order", "id")
        return [(str(step.pk), f"{step.title} ({step.guide.slug})") for step in steps]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Journey]) -> QuerySet[Journey]:
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        stuck_here = StepProgress.objects.filter(
            journey=OuterRef("pk"), step_id=int(value), status=Status.STUCK
        )
        return queryset.filter(Exists(stuck_here))


@admin.register(Journey)
class JourneyAdmin(ReadOnlyAdmin):
    # What fits beside the filters at 1280 px: the guide by its short address, not its title.
    list_display = [
        "number", "guide_slug", "owner", "progress", "stuck_on", "updated_at", "completed",
    ]  # fmt: skip
    list_filter = [JourneyStatusFilter, StuckStepFilter, "guide"]
    list_select_related = ["guide"]
    ordering = ["-updated_at"]
    fields = ["guide", "owner", "started_at", "updated_at", "completed_at"]
    readonly_fields = fields
    inlines = [ProgressInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Journey]:
        published_steps = (
            Step.objects.filter(guide=OuterRef("guide_id"), published=True)
            .order_by()
            .values("guide_id")
            .annotate(total=Count("pk"))
            .values("total")
        )
        stuck_on = (
            StepProgress.objects.filter(journey=OuterRef("pk"), status=Status.STUCK)
            .order_by("step__order", "step_id")
            .values("step__title")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                finished_steps=Count("progress", filter=Q(progress__status__in=FINISHED)),
                step_total=Subquery(published_steps),
                stuck_step=Subquery(stuck_on),
            )
        )

    @admin.display(description="journey", ordering="pk")
    def number(self, journey: Journey) -> str:
        return f"#{journey.pk}"

    @admin.display(description="guide", ordering="guide__slug")
    def guide_slug(self, journey: Journey) -> str:
        return journey.guide.slug

    @admin.display(description="owner")
    def owner(self, journey: Journey) -> str:
        return "Account" if journey.user_id else "Visitor"

    @admin.display(description="progress", ordering="finished_steps")
    def progress(self, journey: Journey) -> str:
        return f"{journey.finished_steps} of {journey.step_total or 0} steps"

    @admin.display(description="stuck on", ordering="stuck_step")
    def stuck_on(self, journey: Journey) -> str:
        return journey.stuck_step or ""

    @admin.display(boolean=True, description="completed", ordering="completed_at")
    def completed(self, journey: Journey) -> bool:
        return journey.completed_at is not None
