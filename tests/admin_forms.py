"""Turn a rendered admin change form back into POST data, so a test changes only what it means."""

from __future__ import annotations

import datetime
from typing import Any


def change_form_data(response) -> dict[str, Any]:
    """The POST data that would save an admin change form (and its inlines) unchanged."""
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {f"{formset.prefix}-{name}": management[name].value() for name in management.fields}
        )
        forms.extend(formset.initial_forms)
    for form in forms:
        for name in form.fields:
            value = _post_value(form[name].value())
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def _post_value(value: Any) -> Any:
    if value is None:
        return ""
    if value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(getattr(item, "pk", item)) for item in value]
    return str(getattr(value, "pk", value))
