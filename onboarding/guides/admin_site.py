"""What every page of the editors' admin shares: the portal's name, and lists that filter only
through the filters they declare.

Django lets a list's query string look rows up by any local field (`?visitor_key=...`,
`?answers__location=...`), declared as a filter or not. `DeclaredFiltersOnly` allows only the
parameters the declared filters read; any other lookup gets the admin's "bad lookup" answer (400).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import FieldListFilter, SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.http import HttpRequest

admin.site.site_header = "Step by step: editors"
admin.site.site_title = "Step by step editors"
admin.site.index_title = "Guides, journeys and where people stop"


class DeclaredFiltersOnly(admin.ModelAdmin):
    """A model admin whose list accepts lookups from its declared filters and nothing else."""

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest) -> bool:
        return lookup in self.declared_lookups(request)

    def declared_lookups(self, request: HttpRequest) -> set[str]:
        """The query-string parameters the list's declared filters read."""
        lookups: set[str] = set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                # Its own code reads its one parameter, and checks the value.
                lookups.add(item.parameter_name)
                continue
            path, filter_class = item if isinstance(item, list | tuple) else (item, None)
            field = get_fields_from_path(self.model, path)[-1]
            spec = (filter_class or FieldListFilter.create)(
                field, request, {}, self.model, self, field_path=path
            )
            lookups.update(spec.expected_parameters())
        if self.date_hierarchy:
            lookups.update(f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day"))
        return lookups
