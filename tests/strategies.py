"""Hypothesis strategies for hostile input, shared by the fuzz tests.

Any text a browser can send, numbers and dates in any shape, form data with fields missing and
extra, request bodies of every content type (oversized, not UTF-8, broken multipart), tampered
wizard management data, and URL paths for every pattern with arbitrary segments.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

import phonenumbers
from django import forms
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st

from onboarding.guides.selectors import ChecklistEntry, ProblemEntry, StepInfo


def examples(weight: float) -> settings:
    """This test's share of the profile's examples: cheap tests run more, whole requests fewer."""
    return settings(max_examples=max(1, round(settings.default.max_examples * weight)))


def evenly(*alternatives: st.SearchStrategy) -> st.SearchStrategy:
    """Draws from each alternative equally often. (one_of favours the simplest while exploring,
    and flattens nested one_of, so a group of a hundred patterns would outweigh the rest.)"""
    return st.sampled_from(alternatives).flatmap(lambda alternative: alternative)


# --- Values ------------------------------------------------------------------------------------

# Any Unicode a browser can send: everything but lone surrogates, which no encoding carries.
ANY_CHARACTER = st.characters(exclude_categories=["Cs"])
ANY_TEXT = st.text(ANY_CHARACTER, max_size=40)
# Past every max_length, without asking Hypothesis for thousands of characters.
LONG_TEXT = st.builds(lambda text, times: (text or "x") * times, ANY_TEXT, st.integers(20, 300))
# What fits in a header or a WSGI environ value (ISO-8859-1).
HEADER_TEXT = st.text(st.characters(max_codepoint=255, exclude_categories=["Cs"]), max_size=60)
NUMBERS = st.one_of(st.integers(), st.floats()).map(str)  # floats include nan, inf, -0.0
DATES = st.one_of(
    st.dates().map(datetime.date.isoformat),  # year 1 to 9999: past, far future
    st.dates().map(lambda day: f"{day:%d/%m/%Y}"),
    st.builds(  # parts out of range
        "{}-{}-{}".format, st.integers(-9, 10**7), st.integers(0, 99), st.integers(0, 99)
    ),
)
PHONE_LIKE = st.text("0123456789 +()-", max_size=25)
CARD_LIKE = st.builds(
    lambda groups, separator: separator.join(groups),
    st.lists(st.text("0123456789", min_size=4, max_size=4), min_size=3, max_size=5),
    st.sampled_from(["", " ", "-"]),
)
# Values the forms' choices and checkboxes know, so generated data is often nearly valid.
WORDS = st.sampled_from(
    ["on", "off", "true", "1", "", "outside", "inside", "passport", "other", "GB", "CN", "ZZ"]
    + ["visa", "amex", "unionpay", "pin", "face", "fingerprint", "ana@example.com"]
)
FIELD_VALUE = st.one_of(ANY_TEXT, NUMBERS, DATES, PHONE_LIKE, CARD_LIKE, WORDS, LONG_TEXT)
# A field may come several times (checkboxes do); QueryDict keeps every value.
FIELD_VALUES = st.one_of(FIELD_VALUE, st.lists(FIELD_VALUE, max_size=3))


def field_names(form: forms.Form) -> list[str]:
    """The names this form's widgets read from a POST (a split field reads `name_0`, `name_1`)."""
    names = []
    for bound in form:
        suffixes = getattr(bound.field.widget, "widgets_names", None)
        names += (
            [bound.html_name + suffix for suffix in suffixes] if suffixes else [bound.html_name]
        )
    return names


def form_fields(names: Iterable[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Values for any subset of these fields (the rest missing), plus unexpected extra fields."""
    return st.builds(
        lambda known, extra: {**extra, **known},
        st.fixed_dictionaries({}, optional=dict.fromkeys(names, FIELD_VALUES)),
        st.dictionaries(ANY_TEXT, FIELD_VALUES, max_size=3),
    )


def typical_fields(form: forms.Form) -> st.SearchStrategy[dict[str, Any]]:
    """Every field with a value of its own type (a choice it offers, a date, a mobile number):
    often valid, so the fuzz reaches what happens after validation too."""
    parts = []
    for bound in form:
        if bound.name == "number":
            # The phone check's number, typed as people do in its country (picked beside it).
            country = bound.html_name.removesuffix("number") + "country"
            parts.append(
                MOBILE_NUMBERS.map(
                    lambda pair, name=bound.html_name, country=country: {
                        country: pair[0],
                        name: pair[1],
                    }
                )
            )
        elif bound.name != "country":
            parts.append(_typical_value(bound.field).map(lambda v, name=bound.html_name: {name: v}))
    return st.tuples(*parts).map(lambda dicts: {k: v for d in dicts for k, v in d.items()})


def _typical_value(field: forms.Field) -> st.SearchStrategy:
    if isinstance(field, forms.MultipleChoiceField):
        keys = [str(key) for key, _ in field.choices if key]
        return st.lists(st.sampled_from(keys), min_size=1, unique=True)
    if isinstance(field, forms.ChoiceField):
        return st.sampled_from([str(key) for key, _ in field.choices if key])
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "true", "1"])
    if isinstance(field, forms.DateField):
        # Expired, running out within months, and good for years.
        today = timezone.localdate()
        near = st.dates(today - datetime.timedelta(days=400), today + datetime.timedelta(days=3650))
        return near.map(datetime.date.isoformat)
    if isinstance(field, forms.EmailField):
        return st.emails()
    return ANY_TEXT


def _mobile_example(region: str) -> tuple[str, str]:
    number = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return region, national


# Regions with example mobile numbers, as people would type them there.
MOBILE_NUMBERS = st.sampled_from(
    [_mobile_example(region) for region in ("GB", "US", "DE", "FR", "JP", "KR", "AU", "IN", "BR")]
    + [_mobile_example(region) for region in ("NG", "HK", "MO", "TW", "SG", "CN", "RU", "ZA")]
)


def any_fields(form: forms.Form) -> st.SearchStrategy[dict[str, Any]]:
    """Arbitrary values, typical ones, or typical ones with some swapped for arbitrary ones."""
    names = field_names(form)
    return st.one_of(
        form_fields(names),
        typical_fields(form),
        st.builds(
            lambda typical, odd: {**typical, **odd}, typical_fields(form), form_fields(names)
        ),
    )


def drafts(names: Iterable[str]) -> st.SearchStrategy[dict[str, Any]]:
    """What the session may hold as a draft: any value, None or a list, for any field."""
    value = st.one_of(st.none(), FIELD_VALUE, st.lists(st.one_of(st.none(), FIELD_VALUE)))
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, value))


def step_info(kind: str, *, slug: str = "fuzz-step") -> StepInfo:
    """A step of this form kind with a required and an optional checklist item, no database."""
    checklist = (
        ChecklistEntry(id=1, text="A passport", required=True),
        ChecklistEntry(id=2, text="A card", required=False),
    )
    return StepInfo(
        id=1, slug=slug, url=f"/guides/fuzz/{slug}/", title="Fuzz", summary="", body_html="",
        form_kind=kind, condition="always", optional=False, needs=(), original_steps=(),
        marks_original_steps=False,
        estimated_minutes=1, last_reviewed=None, checklist=checklist, facts=(),
        problems=(ProblemEntry(id=1, summary="It fails", fix_html="<p>Try again.</p>"),),
        glossary=(),
    )  # fmt: skip


# --- Wizard management data ----------------------------------------------------------------------


def tampered_management(*, prefix: str, slug: str, other_slugs: list[str]):
    """Management data that does not name this step: missing, another step, or garbage."""
    key = f"{prefix}-current_step"
    not_this_step = st.one_of(ANY_TEXT, st.sampled_from(other_slugs)).filter(
        lambda value: value.strip() != slug
    )
    return st.one_of(
        st.just({}),
        st.fixed_dictionaries({key: not_this_step}),
        # Sent twice: the last value counts, and it is another step.
        st.fixed_dictionaries({key: st.tuples(st.just(slug), not_this_step).map(list)}),
        # The right step under another wizard's prefix.
        st.sampled_from(["guide_other-current_step", "current_step"]).map(lambda k: {k: slug}),
    )


# --- Request bodies ------------------------------------------------------------------------------

BOUNDARY = "fuzzboundary"
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin-1",
            "application/x-www-form-urlencoded; charset=utf-16",
            "application/x-www-form-urlencoded; charset=no-such-charset",
            "multipart/form-data",  # no boundary
            "multipart/form-data; boundary=",
            f"multipart/form-data; boundary={BOUNDARY}",
            "application/json",
            "text/plain; charset=utf-8",
            "application/octet-stream",
            "",
        ]
    ),
    HEADER_TEXT,
)
# Past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) and DATA_UPLOAD_MAX_NUMBER_FIELDS (1000).
OVERSIZED = b"note=" + b"x" * (3 * 2**20)
TOO_MANY_FIELDS = b"&".join(b"field%d=1" % number for number in range(1100))
NOT_UTF8 = st.builds(lambda head, tail: head + b"\xff\xfe\xc3\x28" + tail, st.binary(), st.binary())


def _part(name: bytes, filename: bytes | None, content_type: bytes | None, value: bytes) -> bytes:
    head = b'Content-Disposition: form-data; name="' + name + b'"'
    if filename is not None:
        head += b'; filename="' + filename + b'"'
    if content_type is not None:
        head += b"\r\nContent-Type: " + content_type
    return b"--" + BOUNDARY.encode() + b"\r\n" + head + b"\r\n\r\n" + value + b"\r\n"


MULTIPART_PART = st.builds(
    _part,
    st.one_of(st.binary(max_size=20), ANY_TEXT.map(str.encode)),
    st.none() | st.binary(max_size=20),
    st.none() | st.sampled_from([b"text/plain", b"application/octet-stream", b"\xff"]),
    st.binary(max_size=200),
)
MULTIPART_BODIES = st.builds(
    lambda parts, closed: (
        b"".join(parts) + (b"--" + BOUNDARY.encode() + b"--\r\n" if closed else b"")
    ),
    st.lists(MULTIPART_PART, max_size=4),
    st.booleans(),  # an unclosed body is a connection cut off mid-upload
)
BODIES = st.one_of(
    st.binary(max_size=300),
    NOT_UTF8,
    st.dictionaries(ANY_TEXT, FIELD_VALUE).map(lambda fields: _urlencode(fields).encode()),
    MULTIPART_BODIES,
    st.sampled_from([OVERSIZED, TOO_MANY_FIELDS]),
)
# Content types with any body, and with bodies of their own kind, so the parsers get past the
# first byte.
CONTENT_TYPES_AND_BODIES = st.one_of(
    st.tuples(CONTENT_TYPES, BODIES),
    st.tuples(st.just(f"multipart/form-data; boundary={BOUNDARY}"), MULTIPART_BODIES),
    st.tuples(st.just("application/x-www-form-urlencoded"), st.one_of(BODIES, NOT_UTF8)),
)


def _urlencode(fields: dict[str, str]) -> str:
    return "&".join(
        f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in fields.items()
    )


# --- URL paths -----------------------------------------------------------------------------------


def _pattern_chains(patterns: list, prefix: tuple = ()) -> Iterator[tuple]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _pattern_chains(pattern.url_patterns, (*prefix, pattern.pattern))
        else:
            yield (*prefix, pattern.pattern)


_PARAMETER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def _matching(chain: tuple, known: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Paths this chain of patterns resolves: each parameter a known value (a real guide or
    step, so views are reached) or any value its converter accepts."""
    parts: list[st.SearchStrategy[str]] = []
    for pattern in chain:
        if not isinstance(pattern, RoutePattern):
            parts.append(st.from_regex(re.compile(pattern.regex.pattern), fullmatch=True))
            continue
        route = _PARAMETER.split(str(pattern))
        for index, piece in enumerate(route):
            if index % 2 == 0:
                parts.append(st.just(piece))
            else:
                accepted = re.compile(pattern.converters[piece].regex)
                parts.append(evenly(known, known, st.from_regex(accepted, fullmatch=True)))
    return st.tuples(*parts).map("".join)


# Segments that match no converter: any text, and bytes that are not UTF-8 once unquoted.
ODD_SEGMENT = st.one_of(ANY_TEXT, st.binary(max_size=12).map(lambda raw: raw.decode("latin-1")))


def url_paths(known_values: Iterable[str] = ()) -> st.SearchStrategy[str]:
    """A quoted path for any URL pattern, its parameters known values (a guide's slug, a step's)
    or arbitrary ones, often with a segment swapped for anything at all."""
    known = st.sampled_from(sorted(known_values) or [""])
    # Each top-level entry weighs the same: admin's hundred patterns count as one.
    groups = [
        st.one_of(*[_matching(chain, known) for chain in _pattern_chains([entry])])
        for entry in get_resolver().url_patterns
    ]
    matching = evenly(*groups)
    swapped = st.builds(_swap_segment, matching, st.integers(0, 8), ODD_SEGMENT)
    return evenly(matching, matching, swapped).map(_quote_path)


def _swap_segment(path: str, index: int, segment: str) -> str:
    parts = path.split("/")
    parts[index % len(parts)] = segment
    return "/".join(parts)


def _quote_path(path: str) -> str:
    # Latin-1 text stands for raw bytes (as WSGI passes them); anything else is UTF-8.
    try:
        raw = path.encode("latin-1")
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogatepass")
    return "/" + quote(raw, safe="/").lstrip("/")


QUERY_STRINGS = st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=3).map(_urlencode)
HTMX_HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "HX-Request": st.sampled_from(["true", "false"]),
        "HX-Current-URL": evenly(
            HEADER_TEXT, st.sampled_from(["http://[::1", "//[", "http://x:99999/"]), url_paths()
        ),
        "HX-History-Restore-Request": st.just("true"),
        "HX-Target": HEADER_TEXT,
    },
)
