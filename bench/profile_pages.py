"""Where a first view and a save spend their time: the Django test client, in this process.

    python bench/profile_pages.py [--visitors 200] [--tree PATH]

Seeds a scratch database as bench/load.py does (a temporary SQLite file, or DATABASE_URL), learns
the guide through the test client as bench/portal.py learns it over HTTP, and makes visitors at
every step. Then it profiles, each over many visitors: the first view of each visitor's next step
page, and saves as they happen (the POST, its redirect and the htmx sidebar). It prints the time
and SQL queries per request and the functions that took the most time by themselves, with
pyinstrument when it is installed (it is not a dependency: `pip install pyinstrument` into the
venv) and cProfile otherwise. --tree writes pyinstrument's call tree of both as text.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

# Run as a script, this folder is first on sys.path: the helpers are bench/'s own.
from load import TASK_LIST, bench_env, prepare, say
from portal import Response, Visitor, advance, discover, new_visitor

FORM = "application/x-www-form-urlencoded"


class ClientBrowser:
    """portal.Browser's interface over Django's test client (which keeps the cookies)."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True)

    def request(
        self,
        method: str,
        path: str,
        fields: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        if method == "POST":
            # URL-encoded, as browsers send forms: the site refuses multipart bodies.
            body = urlencode(fields or [])
            raw = self.client.post(path, body, content_type=FORM, headers=headers)
        else:
            raw = self.client.get(path, headers=headers)
        headers_out = {k.lower(): v for k, v in raw.items()}
        return Response(raw.status_code, headers_out, raw.content.decode("utf-8", "replace"))

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        response = self.request("GET", path, headers=headers)
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}")
        return response


def profiled(label: str, work: Callable[[], int], tree: list[str]) -> None:
    """Run work() (which returns how many requests it made) under a profiler; print a summary."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None  # noqa: N806
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        if Profiler is not None:
            profiler = Profiler(interval=0.0002)
            profiler.start()
            count = work()
            profiler.stop()
        else:
            profile = cProfile.Profile()
            profile.enable()
            count = work()
            profile.disable()
        elapsed = time.perf_counter() - started
    print(
        f"\n{label}: {count} requests, {elapsed / count * 1000:.2f} ms and "
        f"{len(queries) / count:.1f} SQL queries each (under the profiler)"
    )
    if Profiler is not None:
        # The call tree down to the frames that take 3% or more, as a share of the whole.
        text = profiler.output_text(
            time="percent_of_total", processor_options={"filter_threshold": 0.03}
        )
        print("\n".join(line for line in text.splitlines()[6:] if line.strip()))
        tree.append(f"== {label}\n" + profiler.output_text(show_all=True))
    else:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())


def sections(label: str, work: Callable[[], int]) -> None:
    """Run work() again without a profiler, timing what Django renders and queries: each template
    and included partial (inclusive of what it includes), {% url %} reversals, forms and widgets,
    and SQL. Prints milliseconds per request."""
    from django import forms, urls
    from django.db import connection
    from django.template import base

    spent: dict[str, list[float]] = {}  # what -> [seconds, calls]

    def timed(key: Callable[..., str], function: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                entry = spent.setdefault(key(*args), [0.0, 0])
                entry[0] += time.perf_counter() - started
                entry[1] += 1

        return wrapper

    patches = [
        (base.Template, "_render", lambda self, _: f"template {self.name}"),
        (base.PartialTemplate, "_render", lambda self, _: f"template {self.name}"),
        (urls, "reverse", lambda *_, **__: "reverse() ({% url %} and views)"),
        (forms.BaseForm, "render", lambda self, *_: f"form {type(self).__name__}.render"),
        (forms.Widget, "render", lambda self, *_: f"widget {type(self).__name__}.render"),
    ]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, key in patches:
        setattr(owner, name, timed(key, getattr(owner, name)))

    def timed_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = spent.setdefault("SQL (as the database driver sees it)", [0.0, 0])
            entry[0] += time.perf_counter() - started
            entry[1] += 1

    try:
        with connection.execute_wrapper(timed_sql):
            started = time.perf_counter()
            count = work()
            elapsed = time.perf_counter() - started
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
    print(f"\n{label}, without the profiler: {elapsed / count * 1000:.2f} ms a request")
    for what, (seconds, calls) in sorted(spent.items(), key=lambda item: -item[1][0])[:14]:
        print(f"  {what[:58]:<58} {seconds / count * 1000:7.2f} ms {calls / count:6.1f} calls")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visitors", type=int, default=100)
    parser.add_argument("--tree", type=Path, help="write pyinstrument's call trees here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        env = bench_env(Path(tmp_name))
        env["ALLOWED_HOSTS"] += ",testserver"
        say("migrating and seeding a scratch database ...")
        prepare(env)
        os.environ.update(env)
        sys.path.insert(0, env["PYTHONPATH"])
        import django

        django.setup()
        guide = discover(ClientBrowser(), TASK_LIST)
        steps = guide.size
        say(f"{steps} steps found; making {2 * args.visitors} visitors ...")

        def make(number: int) -> Visitor:
            visitor = new_visitor(number, ClientBrowser(), guide)  # type: ignore[arg-type]
            advance(visitor, guide, number % steps)
            return visitor

        readers = [make(n) for n in range(args.visitors)]
        savers = [make(n) for n in range(args.visitors)]
        savers = [v for v in savers if v.done < steps]

        def first_views() -> int:
            for visitor in readers:
                if visitor.browser.request("GET", visitor.next_path(guide)).status != 200:
                    raise SystemExit(f"visitor {visitor.number}: first view failed")
            return len(readers)

        def saves() -> int:
            for visitor in savers:
                index = visitor.done
                path = guide.steps[index].path
                browser = visitor.browser
                saved = browser.request("POST", path, visitor.form_for(guide, index))
                if saved.status != 302:
                    raise SystemExit(
                        f"visitor {visitor.number}: saving {path} answered {saved.status}"
                    )
                browser.request("GET", saved.location)
                htmx = {
                    "HX-Request": "true",
                    "HX-Current-URL": f"http://testserver{saved.location}",
                }
                browser.request("GET", guide.sidebar, headers=htmx)
            return 3 * len(savers)

        # Half the visitors for the profiler, half for the timings: each page seen once.
        half_readers, half_savers = len(readers) // 2, len(savers) // 2
        all_readers, all_savers = readers, savers
        tree: list[str] = []
        readers, savers = all_readers[:half_readers], all_savers[:half_savers]
        profiled("first view (each visitor's next step page, once)", first_views, tree)
        profiled("step saved (POST + redirect GET + htmx sidebar)", saves, tree)
        readers, savers = all_readers[half_readers:], all_savers[half_savers:]
        sections("first view", first_views)
        sections("step saved (per request of the three)", saves)
        if args.tree and tree:
            args.tree.write_text("\n".join(tree))
            print(f"\ncall trees: {args.tree}")


if __name__ == "__main__":
    main()
