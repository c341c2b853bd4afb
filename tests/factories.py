"""Builders for test data: guides of any size, and the answers each form kind accepts."""

from __future__ import annotations

import datetime
import re
import tomllib
from pathlib import Path
from typing import Any

from django.core import mail
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from onboarding.accounts.mail import wait_for_mail
from onboarding.guides.management.commands.seed_guides import DATA_DIR, seed_guide
from onboarding.guides.models import (
    ChecklistItem,
    Fact,
    GlossaryTerm,
    Guide,
    Phrase,
    Problem,
    Step,
)
from onboarding.journeys import visitors


def alipay_data() -> dict[str, Any]:
    with Path(DATA_DIR / "alipay.toml").open("rb") as file:
        return tomllib.load(file)


def seed_alipay() -> Guide:
    seed_guide(alipay_data())
    return Guide.objects.get(slug="alipay")


# The rows seed_guide makes for the Alipay guide, read once per test run (see copy_of_alipay).
_alipay_rows: list[tuple[type[Model], list[dict[str, Any]]]] = []


def copy_of_alipay() -> Guide:
    """The Alipay guide as seed_alipay makes it, for a test that needs it and not the seeding.

    Seeding saves each row on its own (each save renders Markdown and renews the guide's
    version): over half a second a test on a slow machine, hundreds of tests. The first call
    seeds for real and keeps the rows; later calls insert copies of them, in one statement per
    table, without signals. The copy is the same data: same ids, same rendered HTML, same version.
    """
    if not _alipay_rows:
        guide = seed_alipay()
        _alipay_rows.extend(_rows_of(guide))
        return guide
    for model, rows in _alipay_rows:
        model.objects.bulk_create(model(**row) for row in rows)
    # Ids inserted as they are do not move PostgreSQL's sequences; the next create would reuse one.
    models = [model for model, _ in _alipay_rows]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return Guide.objects.get(slug="alipay")


def _rows_of(guide: Guide) -> list[tuple[type[Model], list[dict[str, Any]]]]:
    """Every row of the guide's content, parents before children."""
    of_guide = {"guide": guide}
    of_steps = {"step__guide": guide}
    tables: list[tuple[type[Model], dict[str, Any]]] = [
        (Guide, {"pk": guide.pk}),
        (Step, of_guide),
        (ChecklistItem, of_steps),
        (Fact, of_steps),
        (Problem, of_steps),
        (GlossaryTerm, of_guide),
        (Phrase, of_guide),
        (Step.needs.through, {"from_step__guide": guide}),
        (GlossaryTerm.steps.through, of_steps),
    ]
    return [
        (model, list(model.objects.filter(**where).order_by("pk").values()))
        for model, where in tables
    ]


def make_guide(*, steps: int, slug: str = "big") -> Guide:
    """A published guide of `steps` steps, cycling through the form kinds."""
    guide = Guide.objects.create(
        slug=slug, title=f"Guide {slug}", summary="A test guide.", published=True
    )
    kinds = ["read", "checklist", "situation", "phone", "identity", "security", "card"]
    for number in range(steps):
        step = Step.objects.create(
            guide=guide,
            order=number,
            slug=f"step-{number}",
            title=f"Step {number}",
            summary="Do a thing.",
            body=f"Do **thing {number}**.",
            form_kind=kinds[number % len(kinds)],
        )
        Problem.objects.create(step=step, order=1, summary="It fails", fix="Try again.")
        if step.form_kind == "checklist":
            ChecklistItem.objects.create(step=step, order=1, text="A passport", required=True)
    guide.refresh_from_db()
    return guide


def management(step_slug: str, guide_slug: str = "alipay") -> dict[str, str]:
    return {f"guide_{guide_slug}-current_step": step_slug}


def valid_fields(
    step: Step, *, location: str = "outside", has_account: str = "no"
) -> dict[str, Any]:
    """POST fields that make a step of this kind valid."""
    p = step.slug
    kind = step.form_kind
    if kind == "read":
        return {}
    if kind == "checklist":
        return {f"{p}-item_{item.id}": "on" for item in step.checklist_items.all()}
    if kind == "situation":
        return {f"{p}-location": location, f"{p}-has_account": has_account}
    if kind == "phone":
        return {}
    if kind == "identity":
        expiry = timezone.localdate() + datetime.timedelta(days=3 * 365)
        return {
            f"{p}-document_type": "passport",
            f"{p}-issuing_country": "GB",
            f"{p}-expiry_date": expiry.isoformat(),
        }
    if kind == "security":
        return {f"{p}-methods": ["payment_password", "face"]}
    if kind == "card":
        return {f"{p}-network": "visa"}
    raise AssertionError(f"no valid fields for {kind}")


def post_step(client, step: Step, fields: dict[str, Any] | None = None, **headers: Any):
    """POST a step of its guide with valid (or the given) fields and the management form."""
    data = {
        **management(step.slug, step.guide.slug),
        **(valid_fields(step) if fields is None else fields),
    }
    return client.post(step.get_absolute_url(), data, headers=headers)


PASSWORD = "a-long-enough-passphrase-42"


def make_user(email: str = "ana@example.com", password: str = PASSWORD):
    """An account that logs in with this email and password."""
    from onboarding.accounts.models import User

    return User.objects.create_user(email=email, password=password)


def log_in(
    client, email: str = "ana@example.com", password: str = PASSWORD, next: str = "", **meta: Any
):
    """POST the login form, as a person would (meta: request headers such as REMOTE_ADDR)."""
    data = {"username": email, "password": password, **({"next": next} if next else {})}
    return client.post("/accounts/login/", data, **meta)


def same_answer(response) -> dict[str, str]:
    """A response's status and headers, less those that only say when it was sent."""
    headers = {k: v for k, v in response.headers.items() if k not in {"Date", "Expires"}}
    return {"status": str(response.status_code), **headers}


def sent_mail() -> list:
    """The mail sent so far, once the threads that send it (accounts/mail.py) have finished."""
    wait_for_mail()
    return mail.outbox


def sign_up(client, email="new@example.com", password=PASSWORD, confirm=None, **extra):
    """POST the sign-up form (extra: more form fields, such as next)."""
    data = {"email": email, "password1": password, "password2": confirm or password, **extra}
    return client.post("/accounts/signup/", data)


def signup_link(to: str | None = None) -> str:
    """The path of the link in the last sign-up mail (to this address, if given)."""
    messages = [message for message in sent_mail() if to is None or message.to == [to]]
    found = re.search(r"http://testserver(/accounts/signup/\S+)", messages[-1].body)
    return found.group(1)


def finish_sign_up(client, link=None):
    """Follow the link mailed at sign-up and press its one button."""
    link = link or signup_link()
    page = client.get(link)
    assert page.status_code == 200
    assert "Finish creating your account" in page.text
    return client.post(link, {})


def visitor_key_of(client) -> str | None:
    """The visitor key a test client's browser holds in its cookie, if any."""
    cookie = client.cookies.get(visitors.cookie_name())
    return visitors.key_in_cookie(cookie.value) if cookie and cookie.value else None


def as_visitor(client, key: str):
    """Make a test client's browser hold this visitor key, as if it had saved a step before."""
    client.cookies[visitors.cookie_name()] = visitors.cookie_value(key)
    return client


def everything_stored() -> str:
    """Every row of every table, every session decoded and every cache entry, as one text.

    For tests that nothing typed was kept anywhere: the database, the session or the cache.
    """
    import io
    import pickle

    from django.contrib.sessions.models import Session
    from django.core.cache import caches
    from django.core.management import call_command

    rows = io.StringIO()
    call_command("dumpdata", stdout=rows, verbosity=0)
    sessions = [str(session.get_decoded()) for session in Session.objects.all()]
    cached = []
    for alias in ("default", "limits"):
        backend = caches[alias]
        if "redis" in type(backend).__module__:
            client = backend._cache.get_client()
            cached += [repr(client.get(key)) for key in client.scan_iter()]
        elif hasattr(backend, "_cache"):  # local memory: values are pickled
            cached += [repr(pickle.loads(value)) for value in backend._cache.values()]
    return "\n".join([rows.getvalue(), *sessions, *cached])
