"""Widgets of the step forms."""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A select whose options are rendered in Python, once per choice list.

    Django renders every <option> through a template; for the 250 countries that costs more
    than the rest of the page together.
    """

    template_name = "journeys/forms/long_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Widget's context, not ChoiceWidget's: its optgroups are what we avoid building.
        context = forms.Widget.get_context(self, name, value, attrs)
        selected = set(context["widget"]["value"])
        context["widget"]["options"] = mark_safe(
            "".join(
                _option_html(option_value, label, option_value in selected)
                for option_value, label in self.choices
            )
        )
        return context


@functools.cache
def _option_html(value: str, label: str, selected: bool) -> str:
    return format_html(
        '<option value="{}"{}>{}</option>', value, mark_safe(" selected") if selected else "", label
    )
