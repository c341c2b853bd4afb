"""Admin registrations (the editors' issue extends these)."""

from __future__ import annotations

from django.contrib import admin

from onboarding.models import ChecklistItem, GlossaryTerm, Guide, Source, Step


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


class SourceInline(admin.TabularInline):
    model = Source
    extra = 0


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "published", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["title", "guide", "order", "form_kind", "condition", "published"]
    list_filter = ["guide", "published", "form_kind"]
    inlines = [ChecklistItemInline, SourceInline]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "pinyin", "meaning", "guide"]
    search_fields = ["term", "pinyin", "meaning"]
