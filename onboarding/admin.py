"""Admin for editors: guides and steps with sortable steps and checklists, a Markdown preview,
freshness, read-only journeys, revocable share links, and each guide's funnel page.

Reordering uses django-admin-sortable2's inlines (drag a row; no numbers to type). Its version
2.3.1 names a template and a patched actions.js per Django version and ships neither for 6.1;
Django 6.1's tabular inline and actions.js are those of 6.0, so `SortableInline` and
`SortableContentAdmin` point at files that exist (the patch only matters for sortable change
lists, which this admin does not use).
"""

from __future__ import annotations

import datetime
from typing import Any

import django
from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from onboarding import admin_pages
from onboarding.editing import mark_reviewed, next_step_order, set_published
from onboarding.models import (
    RESERVED_STEP_SLUGS,
    ChecklistItem,
    GlossaryTerm,
    Guide,
    Journey,
    ShareLink,
    Source,
    Step,
    StepProgress,
)
from onboarding.progress import FINISHED, Status
from onboarding.sharing import revoke_share_links

STALE_AFTER = datetime.timedelta(days=180)
_SORTABLE_ACTIONS_JS = "adminsortable2/js/actions-{}.{}.js".format(*django.VERSION[:2])


class SortableContentAdmin(SortableAdminBase, admin.ModelAdmin):
    """A model admin whose inlines may be sortable."""

    @property
    def media(self) -> forms.Media:
        media = super().media
        # Media assets compare equal to their path.
        js = [
            "admin/js/actions.js" if asset == _SORTABLE_ACTIONS_JS else asset for asset in media._js
        ]
        return forms.Media(css=media._css, js=js)


class SortableInline(SortableTabularInline):
    """A tabular inline whose rows are dragged into order."""

    template = "adminsortable2/edit_inline/tabular-django-6.0.html"
    extra = 0


# --- Guides ------------------------------------------------------------------------------------


class StepOrderInline(SortableInline):
    """The guide's steps in walking order: drag to reorder, tick to publish, open one to edit."""

    model = Step
    ordering = ["order", "id"]
    # The row's heading already names the step (and is the drag handle).
    fields = ["slug", "form_kind", "published"]
    readonly_fields = ["slug", "form_kind"]
    show_change_link = True
    verbose_name_plural = "steps, in walking order"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A step needs a body and more: it is added on its own page.
        return False


@admin.register(Guide)
class GuideAdmin(SortableContentAdmin):
    list_display = ["title", "slug", "published", "step_count", "updated_at", "funnel_link"]
    list_editable = ["published"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "tips", "published"]
    inlines = [StepOrderInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Guide]:
        return super().get_queryset(request).annotate(step_count=Count("steps"))

    @admin.display(description="steps", ordering="step_count")
    def step_count(self, guide: Guide) -> int:
        return guide.step_count

    @admin.display(description="funnel")
    def funnel_link(self, guide: Guide) -> str:
        url = reverse("admin:onboarding_guide_funnel", args=[guide.pk])
        return format_html('<a href="{}">Where people stop</a>', url)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/funnel/",
                view(require_GET(self.funnel_view)),
                name="onboarding_guide_funnel",
            ),
            path(
                "<path:object_id>/funnel.csv",
                view(require_GET(self.funnel_csv_view)),
                name="onboarding_guide_funnel_csv",
            ),
            *super().get_urls(),
        ]

    def funnel_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Per step: reached, finished, stuck and median time, as a chart and a table."""
        return admin_pages.funnel_page(request, model_admin=self, object_id=object_id)

    def funnel_csv_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The funnel's numbers as CSV, for a spreadsheet (no personal data)."""
        return admin_pages.funnel_csv(request, model_admin=self, object_id=object_id)


# --- Steps -------------------------------------------------------------------------------------


class ChecklistItemInline(SortableInline):
    model = ChecklistItem
    fields = ["text", "required"]


class SourceInline(admin.TabularInline):
    model = Source
    fields = ["title", "url", "checked_on"]
    extra = 0


class GlossaryLinkInline(admin.TabularInline):
    """Glossary terms shown on this step, chosen from the step's guide."""

    model = GlossaryTerm.steps.through
    extra = 0
    verbose_name = "glossary term on this step"
    verbose_name_plural = "glossary terms on this step"

    def get_formset(self, request: HttpRequest, obj: Step | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["glossaryterm"]
        field.label = "Glossary term"
        if obj is not None:
            field.queryset = GlossaryTerm.objects.filter(guide_id=obj.guide_id)
        return formset


class StepAdminForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = [
            "guide", "title", "slug", "summary", "published", "body", "troubleshooting",
            "estimated_minutes", "form_kind", "condition", "optional", "last_reviewed",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        guide, slug = cleaned.get("guide"), cleaned.get("slug")
        taken = Step.objects.filter(guide=guide, slug=slug).exclude(pk=self.instance.pk)
        if guide and slug and taken.exists():
            # On the field, where the editor can fix it (the constraint's error names no field).
            self.add_error(
                "slug",
                forms.ValidationError(
                    "Another step of this guide has this address. Choose another.", code="unique"
                ),
            )
        return cleaned

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_STEP_SLUGS:
            raise forms.ValidationError(
                "“%(slug)s” is taken by the guide's own pages. Choose another address.",
                code="reserved",
                params={"slug": slug},
            )
        return slug


class FreshnessFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("stale", f"Stale (not reviewed in {STALE_AFTER.days} days)"),
            ("fresh", f"Reviewed in the last {STALE_AFTER.days} days"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Step]) -> QuerySet[Step]:
        cutoff = timezone.localdate() - STALE_AFTER
        if self.value() == "stale":
            return queryset.filter(Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff))
        if self.value() == "fresh":
            return queryset.filter(last_reviewed__gte=cutoff)
        return queryset


@admin.register(Step)
class StepAdmin(SortableContentAdmin):
    form = StepAdminForm
    list_display = ["title", "guide", "order", "form_kind", "published", "last_reviewed", "fresh"]
    list_editable = ["published"]
    list_filter = ["guide", "published", FreshnessFilter, "form_kind"]
    list_select_related = ["guide"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["mark_reviewed_today", "publish", "unpublish"]
    inlines = [ChecklistItemInline, SourceInline, GlossaryLinkInline]
    readonly_fields = ["preview"]
    # Save buttons first in the form, so Enter saves rather than pressing the preview button.
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["guide", "title", "slug", "summary", "published"]}),
        ("Content", {"fields": ["body", "preview", "troubleshooting", "estimated_minutes"]}),
        ("Who takes it, and what they confirm", {"fields": ["form_kind", "condition", "optional"]}),
        ("Freshness", {"fields": ["last_reviewed"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(boolean=True, description="fresh")
    def fresh(self, step: Step) -> bool:
        return (
            step.last_reviewed is not None
            and step.last_reviewed >= timezone.localdate() - STALE_AFTER
        )

    @admin.display(description="preview")
    def preview(self, step: Step) -> str:
        return render_to_string(
            "admin/onboarding/step/preview.html#preview-panel",
            {"step": step, "preview_url": reverse("admin:onboarding_step_preview")},
        )

    def save_model(self, request: HttpRequest, obj: Step, form: Any, change: bool) -> None:
        if not change:
            obj.order = next_step_order(guide=obj.guide)
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[Any]:
        preview = self.admin_site.admin_view(require_POST(self.preview_view))
        return [path("preview/", preview, name="onboarding_step_preview"), *super().get_urls()]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The posted Markdown rendered and sanitised as the site would show it."""
        return admin_pages.step_preview(request, model_admin=self)

    @admin.action(description="Mark reviewed today", permissions=["change"])
    def mark_reviewed_today(self, request: HttpRequest, queryset: QuerySet[Step]) -> None:
        count = mark_reviewed(steps=queryset, on=timezone.localdate())
        self.message_user(request, f"Marked {_steps(count)} as reviewed today.", messages.SUCCESS)

    @admin.action(description="Publish", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Step]) -> None:
        count = set_published(steps=queryset, published=True)
        self.message_user(request, f"Published {_steps(count)}.", messages.SUCCESS)

    @admin.action(description="Unpublish", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Step]) -> None:
        count = set_published(steps=queryset, published=False)
        self.message_user(request, f"Unpublished {_steps(count)}.", messages.SUCCESS)


def _steps(count: int) -> str:
    return f"{count} step" if count == 1 else f"{count} steps"


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "pinyin", "meaning", "guide"]
    list_filter = ["guide"]
    search_fields = ["term", "pinyin", "meaning"]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "steps":
            # Checkboxes need no script, and list the steps in each guide's walking order.
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["queryset"] = Step.objects.order_by("guide__title", "order", "id")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# --- Journeys and share links: read-only, nothing personal -------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
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
    list_display = ["number", "guide", "owner", "progress", "stuck_on", "updated_at", "completed"]
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


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    """Share links listed by journey and date; the token is never stored, so never shown."""

    list_display = ["__str__", "journey", "created_at", "expires_at", "revoked_at", "state"]
    list_select_related = ["journey"]
    fields = ["journey", "created_at", "expires_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description="state")
    def state(self, link: ShareLink) -> str:
        if link.revoked_at is not None:
            return "Revoked"
        if link.expires_at is not None and link.expires_at <= timezone.now():
            return "Expired"
        return "Active"

    @admin.action(description="Revoke", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ShareLink]) -> None:
        count = revoke_share_links(links=queryset)
        self.message_user(request, f"Revoked {count} share link(s).", messages.SUCCESS)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("onboarding.change_sharelink")
