"""Countries for the step forms' pickers: names in English, with their dialling codes."""

from __future__ import annotations

import functools

import babel
import phonenumbers


@functools.cache
def country_choices() -> tuple[tuple[str, str], ...]:
    """Countries and territories by ISO 3166 code, named in English (computed once)."""
    names = babel.Locale("en").territories
    return tuple(
        sorted(
            ((code, name) for code, name in names.items() if len(code) == 2 and code.isalpha()),
            key=lambda choice: choice[1],
        )
    )


def country_name(code: str) -> str:
    """A country's English name, or "" for a code that names none."""
    return dict(country_choices()).get(code, "")


def issuing_country_choices() -> tuple[tuple[str, str], ...]:
    return (("", "Choose a country"), *country_choices())


@functools.cache
def phone_country_choices() -> tuple[tuple[str, str], ...]:
    """Countries with their dialling codes, e.g. ("GB", "United Kingdom +44"), computed once."""
    choices = [
        (region, f"{name} +{phonenumbers.country_code_for_region(region)}")
        for region, name in country_choices()
        if phonenumbers.country_code_for_region(region)
    ]
    return (("", "Choose a country"), *choices)


def warm() -> None:
    """Compute the choices now (gunicorn.conf.py calls this as each worker starts)."""
    issuing_country_choices()
    phone_country_choices()
