"""Every page type of the portal, in one list, for the checks that look at every page.

A page type is a name, the people who see it (signed out, signed in, staff) and a function that,
given the Django test client of such a person, sets up what the page needs (a journey walked to
the right step, a share link, an account) and returns the `Visit` that shows it. The HTML
checker fetches the visit with that client; the browser checks copy the client's cookies into the
browser and open the same path on the live server. Adding a page type (the coming glossary and
about pages) is one `PageType` entry in `PAGE_TYPES`; tests/quality/test_page_list.py fails while
a named page of the URL map has none.

URLs come from `reverse` by URL name, and models are looked up by class name, so moving modules
between apps does not break the list. The Alipay guide must be seeded first (`seed_alipay`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Model
from django.http import HttpResponse
from django.urls import resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import management, post_step

GUIDE = "alipay"
VISITOR, USER, STAFF = "visitor", "user", "staff"
SIGNED_OUT_AND_IN = (VISITOR, USER)
# Long enough to show whether the header wraps on a phone, as real addresses do.
USER_EMAIL = "ana.maria.rodrigues-santos@example-mail.com"
STAFF_EMAIL = "operator.on.duty@example-mail.com"
HELPER_EMAIL = "someone.else@example-mail.com"


@dataclass(frozen=True)
class Visit:
    """How to show a page: GET `path`, or POST `form` to it and show the answer."""

    path: str
    status: int = 200
    form: dict[str, Any] | None = None
    csrf_token: bool = True  # False: post without the form's CSRF token (the 403 page)


@dataclass(frozen=True)
class PageType:
    """One kind of page: who sees it, and how to get there (`open`, given that person's client)."""

    name: str
    open: Callable[[Client], Visit]
    audiences: tuple[str, ...] = SIGNED_OUT_AND_IN
    # The URL name the page is served under (None for error pages), for test_page_list.py.
    url_name: str | None = None
    form_kind: str | None = None  # for a step page: the form kind it shows


def model_named(name: str) -> type[Model]:
    """A model by class name, whichever app holds it."""
    (model,) = [model for model in apps.get_models() if model.__name__ == name]
    return model


def person(audience: str) -> Client:
    """A test client of a visitor, a signed-in person or a member of staff (a superuser)."""
    client = Client()
    if audience == USER:
        client.force_login(_account_of(USER_EMAIL))
    elif audience == STAFF:
        # A superuser sees every admin page (editors may not list share links).
        client.force_login(_account_of(STAFF_EMAIL, is_staff=True, is_superuser=True))
    elif audience != VISITOR:
        raise ValueError(f"unknown audience {audience!r}")
    return client


def _account_of(email: str, **flags: bool) -> Model:
    users = get_user_model().objects
    # No password: hashing one is slow, and force_login needs none.
    return users.filter(email=email).first() or users.create_user(email, **flags)


def fetch(client: Client, visit: Visit) -> HttpResponse:
    """The response that shows the page, as the test client gets it."""
    if visit.form is None:
        return client.get(visit.path)
    client.handler.enforce_csrf_checks = not visit.csrf_token
    try:
        return client.post(visit.path, visit.form)
    finally:
        client.handler.enforce_csrf_checks = False


def each_visit() -> Iterator[tuple[PageType, str, Client, Visit]]:
    """Every page type for every audience that sees it, each with a client of its own."""
    for page_type in PAGE_TYPES:
        for audience in page_type.audiences:
            client = person(audience)
            yield page_type, audience, client, page_type.open(client)


# --- Setting pages up, as a person would -----------------------------------------------------


def _steps():
    return model_named("Step").objects.filter(guide__slug=GUIDE)


def _first_step():
    return _steps().filter(published=True).order_by("order", "id").first()


def _slug_in(location: str) -> str:
    return resolve(urlsplit(location).path).kwargs["step"]


def _walk(client: Client, *, stop_at: Callable[[Any], bool] | None = None) -> str:
    """Save the guide's steps in the guide's order until `stop_at(step)`; that step's path.

    Without `stop_at`, save every step and return the finish page's path. Steps are saved in
    their order, not by following the redirects: a person who has saved some steps already is
    sent on to the first one left, which may lie past the step asked for.
    """
    for step in _steps().filter(published=True).order_by("order", "id"):
        if stop_at is not None and stop_at(step):
            return step.get_absolute_url()
        response = post_step(client, step)
        assert response.status_code == 302, (step.slug, response.content[:1000])
    assert stop_at is None, "walked to the end without meeting the step asked for"
    return reverse("journeys:step", kwargs={"guide": GUIDE, "step": "done"})


def _step_of_kind(kind: str) -> Callable[[Client], Visit]:
    def open_step(client: Client) -> Visit:
        return Visit(_walk(client, stop_at=lambda step: step.form_kind == kind))

    return open_step


def _save_first_step(client: Client) -> None:
    _walk(client, stop_at=lambda step: step != _first_step())


def _share_path(owner: Client) -> str:
    """A new share link of the owner's journey (one step saved first), as a path."""
    _save_first_step(owner)
    response = owner.post(reverse("sharing:create", kwargs={"guide": GUIDE}), {"lifetime": "7d"})
    assert response.status_code == 200, response.content[:1000]
    return re.search(r"https?://[^/\"'\s]+(/share/[\w-]+/)", response.text).group(1)


def _some_journeys() -> None:
    """Rows for the admin lists: a finished journey, one under way, and a share link."""
    _walk(Client())
    _share_path(Client())


def _reset_link(path_kind: str) -> str:
    user = _account_of(HELPER_EMAIL)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user) if path_kind == "valid" else "0-0"
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def _set_new_password(client: Client) -> Visit:
    # A valid link stores its token in the session and redirects to the form without it.
    response = client.get(_reset_link("valid"))
    assert response.status_code == 302, response.content[:1000]
    return Visit(response["Location"])


def _admin(view: str, model: str | None = None, *, obj: Callable[[], Model] | None = None):
    def open_admin(client: Client) -> Visit:
        _some_journeys()
        if model is None:
            return Visit(reverse(f"admin:{view}"))
        opts = model_named(model)._meta
        name = f"admin:{opts.app_label}_{opts.model_name}_{view}"
        return Visit(reverse(name, args=[obj().pk] if obj else []))

    return open_admin


def _account(client: Client) -> Visit:
    # With a journey under way, so the page shows progress and share controls.
    _save_first_step(client)
    return Visit(reverse("account"))


def _stuck_on_first_step(client: Client) -> Visit:
    """A step after "I'm stuck", its fix shown in place."""
    step = _first_step()
    problem = step.problems.order_by("order").first()
    data = {**management(step.slug, GUIDE), "stuck": "1", "problem": str(problem.pk)}
    response = client.post(step.get_absolute_url(), data)
    assert response.status_code == 302, response.content[:1000]
    return Visit(response["Location"].split("#")[0])


def _guide():
    return model_named("Guide").objects.get(slug=GUIDE)


def _checklist_step():
    return _steps().filter(form_kind="checklist").order_by("order").first()


FORM_KINDS = ["read", "checklist", "situation", "phone", "identity", "security", "card"]

PAGE_TYPES: list[PageType] = [
    PageType(
        "landing", lambda client: Visit(reverse("journeys:landing")), url_name="journeys:landing"
    ),
    PageType(
        "task-list",
        lambda client: Visit(reverse("journeys:task_list", kwargs={"guide": GUIDE})),
        url_name="journeys:task_list",
    ),
    # One step of each form kind, reached by saving the steps before it.
    *[
        PageType(f"step-{kind}", _step_of_kind(kind), url_name="journeys:step", form_kind=kind)
        for kind in FORM_KINDS
    ],
    PageType(
        "step-with-errors",
        # The first step saved with nothing ticked: the error summary and field errors.
        lambda client: Visit(
            _first_step().get_absolute_url(), form=management(_first_step().slug, GUIDE)
        ),
        url_name="journeys:step",
    ),
    PageType("finish", lambda client: Visit(_walk(client)), url_name="journeys:step"),
    PageType(
        "share",
        lambda client: Visit(_share_path(person(VISITOR))),
        audiences=(VISITOR,),
        url_name="sharing:page",
    ),
    PageType(
        "share-not-found",
        lambda client: Visit(reverse("sharing:page", kwargs={"token": "no-such-link"}), status=404),
        audiences=(VISITOR,),
        url_name="sharing:page",
    ),
    PageType("login", lambda client: Visit(reverse("login")), (VISITOR,), "login"),
    PageType("signup", lambda client: Visit(reverse("signup")), (VISITOR,), "signup"),
    PageType(
        "signup-sent", lambda client: Visit(reverse("signup_sent")), (VISITOR,), "signup_sent"
    ),
    PageType(
        "password-reset",
        lambda client: Visit(reverse("password_reset")),
        (VISITOR,),
        "password_reset",
    ),
    PageType(
        "password-reset-sent",
        lambda client: Visit(reverse("password_reset_done")),
        (VISITOR,),
        "password_reset_done",
    ),
    PageType(
        "password-reset-new-password", _set_new_password, (VISITOR,), "password_reset_confirm"
    ),
    PageType(
        "password-reset-link-used",
        lambda client: Visit(_reset_link("used")),
        (VISITOR,),
        "password_reset_confirm",
    ),
    PageType(
        "password-reset-complete",
        lambda client: Visit(reverse("password_reset_complete")),
        (VISITOR,),
        "password_reset_complete",
    ),
    PageType("account", _account, (USER,), "account"),
    PageType(
        "account-delete", lambda client: Visit(reverse("account_delete")), (USER,), "account_delete"
    ),
    # Error pages: an address whose query string is not UTF-8, a form posted without its
    # security token, and an address that does not exist.
    PageType(
        "bad-request", lambda client: Visit(reverse("journeys:landing") + "?q=%FF", status=400)
    ),
    PageType(
        "forbidden-csrf",
        lambda client: Visit(
            reverse("login"), status=403, form={"username": "a@b.c"}, csrf_token=False
        ),
    ),
    PageType("not-found", lambda client: Visit("/no-such-page/", status=404)),
    PageType(
        "glossary",
        lambda client: Visit(reverse("journeys:glossary", kwargs={"guide": GUIDE})),
        url_name="journeys:glossary",
    ),
    PageType("about", lambda client: Visit(reverse("web:about")), url_name="web:about"),
    PageType("step-stuck-fix", _stuck_on_first_step, url_name="journeys:step"),
    # Admin, for staff.
    PageType("admin-login", lambda client: Visit(reverse("admin:login")), (VISITOR,)),
    PageType("admin-index", _admin("index"), (STAFF,)),
    PageType("admin-guide-list", _admin("changelist", "Guide"), (STAFF,)),
    PageType("admin-guide-change", _admin("change", "Guide", obj=_guide), (STAFF,)),
    PageType("admin-step-list", _admin("changelist", "Step"), (STAFF,)),
    PageType("admin-step-change", _admin("change", "Step", obj=_checklist_step), (STAFF,)),
    PageType("admin-journey-list", _admin("changelist", "Journey"), (STAFF,)),
    PageType("admin-share-link-list", _admin("changelist", "ShareLink"), (STAFF,)),
    PageType("admin-funnel", _admin("funnel", "Guide", obj=_guide), (STAFF,)),
]

# Named URLs of the site that are not pages a person reads: fragments, downloads, form
# targets that redirect, and machine files.
NOT_PAGES = {
    "signup_confirm",  # the mailed link: it logs in and redirects
    "journeys:sidebar",
    "sharing:create",
    "sharing:revoke",
    "logout",
    "account_export",
    "web:healthz",
    "web:robots_txt",
    "web:favicon",
}


def page_type(name: str) -> PageType:
    (found,) = [page for page in PAGE_TYPES if page.name == name]
    return found
