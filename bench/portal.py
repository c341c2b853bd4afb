"""The portal as a browser sees it, for the benchmark: cookies, forms and a guide's steps.

Nothing here imports the app: every step, field and link is read from the pages over HTTP, so the
benchmark keeps working while modules move and steps are renamed.
"""

from __future__ import annotations

import datetime
import http.client
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie

MANAGEMENT_SUFFIX = "-current_step"  # formtools' management field: "<prefix>-current_step"
STEP_LINK = r'href="({guide}[a-z0-9_-]+/)"'
CSRF_FIELD = "csrfmiddlewaretoken"


class BenchError(Exception):
    """The site did not answer as a visitor expects; the message says what and where."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("location", "")).path


class Browser:
    """One visitor's browser: its own cookies, one request at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self,
        method: str,
        path: str,
        fields: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = urllib.parse.urlencode(fields) if fields is not None else None
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", "replace")
        finally:
            connection.close()
        self.keep_cookies(raw.msg.get_all("Set-Cookie") or [])
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)

    def keep_cookies(self, set_cookie_headers: list[str]) -> None:
        for header in set_cookie_headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel["expires"].startswith("Thu, 01 Jan 1970"):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        response = self.request("GET", path, headers=headers)
        if response.status != 200:
            raise BenchError(f"GET {path} answered {response.status}")
        return response


# --- Forms -----------------------------------------------------------------------------------


@dataclass
class Field:
    tag: str  # input, select or textarea
    name: str
    type: str = "text"
    value: str | None = None
    required: bool = False
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


@dataclass
class Form:
    action: str
    method: str
    classes: set[str]
    fields: list[Field] = field(default_factory=list)

    def value_of(self, name: str) -> str | None:
        return next((f.value for f in self.fields if f.name == name), None)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self.attributes: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.attributes.append((tag, a))
        if tag == "form":
            self._form = Form(
                action=a.get("action") or "",
                method=(a.get("method") or "get").lower(),
                classes=set((a.get("class") or "").split()),
            )
            self.forms.append(self._form)
            return
        if self._form is None or tag not in {"input", "select", "option", "textarea"}:
            return
        if tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a)
            self._option_text = ""
            return
        name = a.get("name")
        if not name:
            return
        item = Field(
            tag=tag,
            name=name,
            type=(a.get("type") or "text").lower() if tag == "input" else tag,
            value=a.get("value"),
            required="required" in a,
            checked="checked" in a,
        )
        self._form.fields.append(item)
        if tag == "select":
            self._select = item

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text += data

    def _close_option(self) -> None:
        if self._option is not None and self._select is not None:
            value, selected = self._option
            self._select.options.append(
                (self._option_text.strip() if value is None else value, selected)
            )
        self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag in {"option", "select"}:
            self._close_option()
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def csrf_token(html: str) -> str:
    match = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', html)
    if not match:
        raise BenchError("no CSRF token on the page")
    return match.group(1)


def valid_answers(form: Form, *, number: int = 0) -> list[tuple[str, str]]:
    """Answers a careful person would give, from the fields alone: every required box ticked,
    the first choice of each group, a plausible value for each text field that needs one.

    The CSRF token is left out: each visitor posts its own."""
    answers: list[tuple[str, str]] = []
    groups: dict[str, list[Field]] = {}
    for item in form.fields:
        groups.setdefault(item.name, []).append(item)
    for name, items in groups.items():
        first = items[0]
        if name == CSRF_FIELD or first.type in {"submit", "button", "reset", "file", "image"}:
            continue
        if first.type == "hidden":
            answers.append((name, first.value or ""))
        elif first.type == "checkbox":
            ticked = [i for i in items if i.required or i.checked]
            if not ticked and len(items) > 1:  # a multiple choice: choose one
                ticked = items[:1]
            answers += [(name, i.value or "on") for i in ticked]
        elif first.type == "radio":
            chosen = next((i for i in items if i.checked), first)
            answers.append((name, chosen.value or "on"))
        elif first.tag == "select":
            answers.append((name, _choose(first)))
        elif first.value:
            answers.append((name, first.value))
        elif first.required or first.type in {"tel", "email", "date"}:
            answers.append((name, _text_for(first, number)))
    return answers


def _choose(select: Field) -> str:
    values = [value for value, _ in select.options if value]
    selected = next((value for value, chosen in select.options if chosen and value), None)
    if selected:
        return selected
    # A country list: the one the phone numbers below belong to.
    if "GB" in values:
        return "GB"
    return values[0] if values else ""


def _text_for(item: Field, number: int) -> str:
    if item.type == "email":
        return f"bench{number}@example.com"
    if item.type == "tel" or "phone" in item.name or "mobile" in item.name:
        return f"07400 1{number % 100_000:05d}"
    if item.type == "date":
        return (
            datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=1000)
        ).isoformat()
    if item.type == "number":
        return "1"
    return "bench"


# --- The guide -------------------------------------------------------------------------------


@dataclass
class Step:
    path: str
    answers: list[tuple[str, str]]  # without the CSRF token


@dataclass
class Guide:
    """What a visitor finds by walking the guide once: its steps in order and their answers."""

    task_list: str
    steps: list[Step]
    finish: str  # where the last save leads
    sidebar: str  # the htmx partial the step pages refresh
    share_create: Form | None  # the task list's form that creates a share link
    step_links: list[str]  # the step links the task list shows once every step is done

    @property
    def size(self) -> int:
        return len(self.steps)


def step_form(html: str, path: str) -> Form:
    for form in parse_forms(html):
        posts_here = form.method == "post" and urllib.parse.urlsplit(form.action).path == path
        if posts_here and any(f.name.endswith(MANAGEMENT_SUFFIX) for f in form.fields):
            return form
    raise BenchError(f"no wizard form on {path}")


def discover(browser: Browser, task_list: str) -> Guide:
    """Walk the whole guide once as a new visitor, by the links and forms the pages show."""
    page = browser.get(task_list)
    links = re.findall(STEP_LINK.format(guide=re.escape(task_list)), page.text)
    if not links:
        raise BenchError(f"no step link on {task_list}")
    path = links[0]
    steps: list[Step] = []
    sidebar = ""
    seen: set[str] = set()
    while True:
        page = browser.get(path)
        try:
            form = step_form(page.text, path)
        except BenchError:
            if steps:
                break  # past the last step: the finish page
            raise
        if path in seen:
            raise BenchError(f"the walk came back to {path}")
        seen.add(path)
        if not sidebar:
            match = re.search(r'id="progress-sidebar"[^>]*hx-get="([^"]+)"', page.text)
            sidebar = match.group(1) if match else f"{task_list}progress/"
        answers = valid_answers(form)
        saved = browser.request("POST", path, [(CSRF_FIELD, csrf_token(page.text)), *answers])
        if saved.status != 302 or saved.location in {"", path}:
            raise BenchError(f"saving {path} answered {saved.status}: {error_summary(saved.text)}")
        steps.append(Step(path, answers))
        path = saved.location
    finish = path
    page = browser.get(task_list)
    step_links = list(
        dict.fromkeys(re.findall(STEP_LINK.format(guide=re.escape(task_list)), page.text))
    )
    share = next(
        (
            f
            for f in parse_forms(page.text)
            if "share-links/new" in f.action or "share-form" in f.classes
        ),
        None,
    )
    walked = {step.path for step in steps}
    if not walked <= set(step_links):
        raise BenchError(f"the task list links {step_links}, not every step walked ({walked})")
    return Guide(task_list, steps, finish, sidebar, share, step_links)


def error_summary(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    text = re.sub(r"<[^>]+>", " ", match.group()) if match else html[:200]
    return " ".join(text.split())


# --- Visitors --------------------------------------------------------------------------------


@dataclass
class Visitor:
    """A visitor with its cookies and how far it got: `done` steps saved, in guide order."""

    number: int
    browser: Browser
    token: str
    done: int = 0

    def next_path(self, guide: Guide) -> str:
        return guide.steps[self.done].path if self.done < guide.size else guide.finish

    def form_for(self, guide: Guide, index: int) -> list[tuple[str, str]]:
        return [(CSRF_FIELD, self.token), *guide.steps[index].answers]


def new_visitor(number: int, browser: Browser, guide: Guide) -> Visitor:
    """A new visitor opens the first step: its CSRF cookie, and the token its page carries."""
    page = browser.get(guide.steps[0].path)
    return Visitor(number, browser, csrf_token(page.text))


def advance(visitor: Visitor, guide: Guide, steps: int) -> None:
    """Save this visitor's next `steps` steps with real POSTs (the pages themselves were read
    once, by discover(); each save must redirect to the step after it)."""
    for _ in range(steps):
        index = visitor.done
        step = guide.steps[index]
        saved = visitor.browser.request("POST", step.path, visitor.form_for(guide, index))
        expected = _after(guide, index)
        if saved.status != 302 or saved.location != expected:
            raise BenchError(
                f"visitor {visitor.number} saving {step.path} answered {saved.status} "
                f"{saved.location or error_summary(saved.text)} (expected {expected})"
            )
        visitor.done += 1


def _after(guide: Guide, index: int) -> str:
    return guide.steps[index + 1].path if index + 1 < guide.size else guide.finish


def create_share_link(visitor: Visitor, guide: Guide) -> str:
    """Create a share link as the task list's form does; the path of the share page."""
    if guide.share_create is None:
        raise BenchError(f"no share form on {guide.task_list}")
    answers = [(CSRF_FIELD, visitor.token), *valid_answers(guide.share_create)]
    action = urllib.parse.urlsplit(guide.share_create.action).path
    response = visitor.browser.request("POST", action, answers)
    match = re.search(r'value="https?://[^"/]+(/share/[^"]+/)"', response.text)
    if response.status != 200 or not match:
        raise BenchError(f"creating a share link answered {response.status} without a link")
    return match.group(1)
