"""Admin for editors: guides and steps with sortable steps, checklists and problems, a Markdown
preview, freshness, facts with their sources, the glossary, and a link to each guide's funnel.

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
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST, require_safe

from onboarding.guides import views
from onboarding.guides.admin_site import DeclaredFiltersOnly
from onboarding.guides.forms import StepAdminForm
from onboarding.guides.models import ChecklistItem, Fact, GlossaryTerm, Guide, Phrase, Problem, Step
from onboarding.guides.services import mark_reviewed, next_step_order, set_published
from onboarding.insights import views as insights_views

STALE_AFTER = datetime.timedelta(days=180)
_SORTABLE_ACTIONS_JS = "adminsortable2/js/actions-{}.{}.js".format(*django.VERSION[:2])


class SortableContentAdmin(SortableAdminBase, DeclaredFiltersOnly):
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


class PhraseInline(SortableInline):
    model = Phrase
    fields = ["chinese", "pinyin", "english"]
    verbose_name_plural = "phrases for the counter (the finish page's phrase card)"


@admin.register(Guide)
class GuideAdmin(SortableContentAdmin):
    list_display = ["title", "slug", "published", "step_count", "updated_at", "funnel_link"]
    list_editable = ["published"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "ready_to_pay", "published"]
    inlines = [StepOrderInline, PhraseInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Guide]:
        return super().get_queryset(request).annotate(step_count=Count("steps"))

    @admin.display(description="steps", ordering="step_count")
    def step_count(self, guide: Guide) -> int:
        return guide.step_count

    @admin.display(description="funnel")
    def funnel_link(self, guide: Guide) -> str:
        url = reverse("admin:guides_guide_funnel", args=[guide.pk])
        return format_html('<a href="{}">Where people stop</a>', url)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/funnel/",
                view(require_safe(self.funnel_view)),
                name="guides_guide_funnel",
            ),
            path(
                "<path:object_id>/funnel.csv",
                view(require_safe(self.funnel_csv_view)),
                name="guides_guide_funnel_csv",
            ),
            *super().get_urls(),
        ]

    def funnel_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Per step: reached, finished, stuck and median time, as a chart and a table."""
        return insights_views.funnel_page(request, model_admin=self, object_id=object_id)

    def funnel_csv_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The funnel's numbers as CSV, for a spreadsheet (no personal data)."""
        return insights_views.funnel_csv(request, model_admin=self, object_id=object_id)


# --- Steps -------------------------------------------------------------------------------------


class ChecklistItemInline(SortableInline):
    model = ChecklistItem
    fields = ["text", "required"]


class ProblemInline(SortableInline):
    """What goes wrong on the step, each with its fix: "I'm stuck" offers these."""

    model = Problem
    fields = ["summary", "fix"]
    verbose_name_plural = (
        "problems people meet, with their fixes: “I'm stuck” lists these; the fix of the one "
        "chosen opens in place"
    )


class FactInline(SortableInline):
    """Facts that change (limits, fees, networks), each with its date and the page that says it.

    A table with compact boxes, so a row fits a laptop's width (a stacked inline labels its
    hidden order field, which is not valid HTML).
    """

    model = Fact
    fields = ["text", "as_of", "source_title", "source_url"]
    verbose_name_plural = "facts that change, with their dates and sources"

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        sizes = {"text": forms.Textarea(attrs={"rows": 4, "cols": 30}),
                 "source_title": forms.TextInput(attrs={"size": 14}),
                 "source_url": forms.URLInput(attrs={"size": 16})}  # fmt: skip
        if db_field.name in sizes:
            kwargs["widget"] = sizes[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class GlossaryLinkInline(admin.TabularInline):
    """Glossary terms shown on this step, chosen from the step's guide."""

    model = GlossaryTerm.steps.through
    extra = 0
    verbose_name = "glossary term on this step"
    verbose_name_plural = "glossary terms on this step"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("glossaryterm")

    def get_formset(self, request: HttpRequest, obj: Step | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["glossaryterm"]
        field.label = "Glossary term"
        if obj is not None:
            field.queryset = GlossaryTerm.objects.filter(guide_id=obj.guide_id)
        return formset


# Each link row is headed by its term, not "GlossaryTerm_steps object (12)" (the link model is
# Django's own, made for the many-to-many field, so it has no __str__ of ours).
GlossaryTerm.steps.through.__str__ = lambda link: str(link.glossaryterm)


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
    # What fits beside the filters at 1280 px; the guide is a filter once there are two.
    list_display = ["title", "form_kind", "optional", "published", "last_reviewed", "fresh"]
    list_editable = ["published"]
    list_filter = ["guide", "published", "optional", FreshnessFilter, "form_kind"]
    list_select_related = ["guide"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["mark_reviewed_today", "publish", "unpublish"]
    inlines = [ChecklistItemInline, ProblemInline, FactInline, GlossaryLinkInline]
    readonly_fields = ["preview"]
    # Save buttons first in the form, so Enter saves rather than pressing the preview button.
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["guide", "title", "slug", "summary", "published"]}),
        ("Content", {"fields": ["body", "preview", "estimated_minutes", "original_steps"]}),
        (
            "Who takes it, and what the page asks",
            {"fields": ["form_kind", "condition", "optional", "needs"]},
        ),
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
            "admin/guides/step/preview.html#preview-panel",
            {"step": step, "preview_url": reverse("admin:guides_step_preview")},
        )

    def save_model(self, request: HttpRequest, obj: Step, form: Any, change: bool) -> None:
        if not change:
            obj.order = next_step_order(guide=obj.guide)
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[Any]:
        preview = self.admin_site.admin_view(require_POST(self.preview_view))
        return [path("preview/", preview, name="guides_step_preview"), *super().get_urls()]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The posted Markdown rendered and sanitised as the site would show it."""
        return views.step_preview(request, model_admin=self)

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
class GlossaryTermAdmin(DeclaredFiltersOnly):
    list_display = ["term", "pinyin", "meaning", "guide"]
    list_filter = ["guide"]
    search_fields = ["term", "pinyin", "meaning"]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "steps":
            # Checkboxes need no script, and list the steps in each guide's walking order.
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["queryset"] = Step.objects.order_by("guide__title", "order", "id")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
