"""Simulated people: many visitors walk the whole guide at once, and nothing they save is lost.

    python bench/people.py [--visitors 200] [--workers 4] [--seconds 300] [--think 0.5 2.5]
                           [--restart-postgres-at SECONDS] [--seed 1]

Seeds a fresh database (a temporary SQLite file, or DATABASE_URL when set) and starts gunicorn
on a free loopback port, as bench/load.py does. Each visitor is a thread with its own cookies:
it opens the guide, then reads and saves each step in turn with think time between, answering
at random (where they are, which card, which protections, sometimes a phone check). Some press Back
and change an earlier answer; some send a save twice, as when a response is lost and the person
presses the button again. A request answered 503 is retried after its Retry-After, as a person
would; a save counts once it is acknowledged (a redirect to the next step).

When every visitor is done, or time is up, the database is read: each visitor must have one
journey whose finished steps are exactly those acknowledged, with the answers last acknowledged
(else "lost"), and nothing more: no second journey, no step nobody saved (else "duplicated").
The funnel's step counts, kept by triggers as the saves went in, must equal a recount of the
rows (else "miscounted").
Errors are responses that are neither expected nor a 503: a 500, an error page, a form refused.

--restart-postgres-at restarts the PostgreSQL cluster that DATABASE_URL names (found by its port
with pg_lsclusters), that many seconds into the run; requests meanwhile may get the 503 page,
never a 500, and every save must still land. Prints one summary line, starting "people:".
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

# Run as a script, this folder is first on sys.path: the helpers are bench/load.py's own.
from load import bench_env, free_port, prepare, start_gunicorn

GUIDE = "/guides/alipay/"
DONE = f"{GUIDE}done/"
MANAGEMENT = "guide_alipay-current_step"
RETRY_AFTER_CAP = 10.0

NETWORKS = ["visa", "mastercard", "jcb", "diners", "discover", "amex", "unionpay", "other"]
METHODS = [
    "payment_password",
    "fingerprint",
    "face",
]  # the order the form lists them, and keeps them
COUNTRIES = ["GB", "DE", "FR", "US", "JP", "AU", "CA", "NL", "KR", "BR"]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("location", "")).path


@dataclass
class Tally:
    """What happened to one visitor, merged into the run's totals."""

    requests: int = 0
    errors: int = 0
    unavailable: int = 0  # 503 answers, each followed by a retry
    saves: int = 0
    resent: int = 0
    changed: int = 0  # earlier answers changed after going Back
    finished: bool = False
    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class Visitor:
    """One person with a browser: cookies, a pace, and the answers the site acknowledged."""

    def __init__(self, number: int, port: int, options: argparse.Namespace, deadline: float):
        self.number = number
        self.port = port
        self.options = options
        self.deadline = deadline
        self.random = random.Random(options.seed * 100_003 + number)
        self.cookies: dict[str, str] = {}
        self.saved: dict[str, dict[str, Any]] = {}  # step slug -> answers last acknowledged
        self.tally = Tally()
        self.goes_back = self.random.random() < 0.3
        self.resends = self.random.random() < 0.3

    # --- HTTP ------------------------------------------------------------------------------

    def request(self, method: str, path: str, fields: dict | None = None, **headers) -> Response:
        """Send until answered by anything but a 503 or a dropped connection, or time is up."""
        body = urllib.parse.urlencode(fields or {}, doseq=True) if method == "POST" else None
        wait = 1.0
        while True:
            if time.monotonic() > self.deadline:
                raise TimeUp
            try:
                response = self._send(method, path, body, headers)
            except (OSError, http.client.HTTPException) as error:
                self.problem(f"{method} {path}: no answer ({error!r})")
            else:
                if response.status != 503:
                    return response
                self.tally.unavailable += 1
                wait = float(response.headers.get("retry-after", wait))
            # As a person would: wait a moment, press the button again (saves are idempotent).
            time.sleep(min(wait, RETRY_AFTER_CAP) * self.random.uniform(0.5, 1.5))

    def _send(self, method: str, path: str, body: str | None, headers: dict) -> Response:
        # A connection a request: gunicorn's sync workers close each one after answering.
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": f"127.0.0.1:{self.port}", **headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", "replace")
        finally:
            connection.close()
        self.tally.requests += 1
        self.tally.latencies.append((time.perf_counter() - started) * 1000)
        for header in raw.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel["expires"].startswith("Thu, 01 Jan 1970"):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)

    def problem(self, message: str) -> None:
        self.tally.errors += 1
        if len(self.tally.problems) < 3:
            self.tally.problems.append(f"visitor {self.number}: {message}")

    def think(self) -> None:
        low, high = self.options.think
        time.sleep(self.random.uniform(low, high))

    # --- The walk --------------------------------------------------------------------------

    def walk(self) -> None:
        with contextlib.suppress(TimeUp):  # stopped where it was; counted as unfinished
            self._walk()

    def _walk(self) -> None:
        overview = self.request("GET", GUIDE)
        if overview.status != 200:
            return self.problem(f"the guide overview answered {overview.status}")
        path = re.search(r'<a class="button" href="([^"]+)">Start now', overview.text).group(1)
        went_back = False
        while path != DONE:
            page = self.request("GET", path)
            if page.status != 200:
                return self.problem(f"GET {path} answered {page.status}")
            self.think()
            back = re.search(r'name="wizard_goto_step" value="([^"]+)"', page.text)
            if back and self.goes_back and not went_back and self.random.random() < 0.25:
                went_back = True
                path = self.go_back(path, page, back.group(1))
                continue
            path = self.save(path, page)
            if path is None:
                return None
            if self.random.random() < 0.2:  # htmx refreshes the sidebar after a save
                self.request("GET", f"{GUIDE}progress/", **{"HX-Request": "true"})
        finish = self.request("GET", DONE)
        if finish.status != 200 or "Check your answers" not in finish.text:
            return self.problem(f"the finish page answered {finish.status}")
        self.tally.finished = True
        return None

    def go_back(self, path: str, page: Response, previous: str) -> str:
        """Press Back with something typed on this step; the earlier step gets changed."""
        slug = path.strip("/").split("/")[-1]
        fields, _ = self.answers(slug, page.text)
        back = {**self.form(slug, page.text, fields), "wizard_goto_step": previous}
        response = self.request("POST", path, back)
        if response.status != 302 or response.location != f"{GUIDE}{previous}/":
            self.problem(f"Back from {slug} answered {response.status} {response.location}")
        self.tally.changed += previous in self.saved
        return f"{GUIDE}{previous}/"

    def save(self, path: str, page: Response) -> str | None:
        """Answer the step and save it; where the site sends us next, or None on an error."""
        slug = path.strip("/").split("/")[-1]
        fields, answers = self.answers(slug, page.text)
        form = self.form(slug, page.text, fields)
        kept_cookies = dict(self.cookies)
        response = self.request("POST", path, form)
        if response.status == 302 and self.resends and self.saved and self.random.random() < 0.3:
            # The response was lost on the way (cookies and all); the person presses Save again.
            self.cookies, first = kept_cookies, response.location
            response = self.request("POST", path, form)
            self.tally.resent += 1
            if response.location != first:
                self.problem(f"a resent save of {slug} went to {response.location}, not {first}")
        if response.status != 302 or response.location in {path, ""}:
            error = re.search(r'<div class="error-summary".*?</ul>', page.text, re.S)
            self.problem(f"saving {slug} answered {response.status} {error and error.group()}")
            return None
        self.saved[slug] = answers
        self.tally.saves += 1
        return response.location

    def form(self, slug: str, html: str, fields: dict) -> dict:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return {"csrfmiddlewaretoken": token, MANAGEMENT: slug, **fields}

    def answers(self, slug: str, html: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Random answers for this step's form: the fields to post, and what should be kept."""
        pick = self.random.choice
        names = set(re.findall(rf'name="{re.escape(slug)}-([a-z_0-9]+)"', html))
        fields: dict[str, Any] = {}
        kept: dict[str, Any] = {}
        if items := re.findall(rf'<input type="checkbox" name="{slug}-item_(\d+)"([^>]*)>', html):
            ticked = [
                int(i) for i, attrs in items if "required" in attrs or self.random.random() < 0.5
            ]
            fields |= {f"item_{item}": "on" for item in ticked}
            kept["ticked"] = ticked
        if "location" in names:
            kept["location"] = fields["location"] = pick(["outside", "outside", "inside"])
            kept["has_account"] = fields["has_account"] = "no"
        if "number" in names and self.random.random() < 0.5:
            # Checked on the page, never kept: the number leaves no trace in the answers.
            fields |= {"country": "GB", "number": f"07400 1{self.random.randrange(100_000):05d}"}
        if "document_type" in names:
            today = datetime.datetime.now(datetime.UTC).date()
            expiry = today + datetime.timedelta(days=self.random.randint(200, 3000))
            fields |= {
                "document_type": pick(["passport", "other"]),
                "issuing_country": pick(COUNTRIES),
            }
            fields["expiry_date"] = expiry.isoformat()
            kept |= {k: fields[k] for k in ("document_type", "issuing_country")}
            kept["validity"] = (
                "over_six_months"
                if expiry.toordinal() - today.toordinal() > 190
                else "under_six_months"
            )
            fields["warned"] = "on"
        if "methods" in names:
            chosen = [m for m in METHODS if self.random.random() < 0.5] or [pick(METHODS)]
            kept["methods"] = fields["methods"] = chosen
        if "network" in names:
            kept["network"] = fields["network"] = pick(NETWORKS)
        return {f"{slug}-{name}": value for name, value in fields.items()}, kept


class TimeUp(Exception):
    """The run's time is up; the visitor stops where it is."""


# --- The database check ------------------------------------------------------------------------


@dataclass
class Check:
    lost: int = 0
    duplicated: int = 0
    miscounted: int = 0  # step counts (the funnel's) that differ from the progress rows
    details: list[str] = field(default_factory=list)

    def note(self, kind: str, message: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.details) < 5:
            self.details.append(f"{kind}: {message}")


def check_database(env: dict[str, str], visitors: list[Visitor], since: datetime.datetime) -> Check:
    """Compare every visitor's journey in the database with what the site acknowledged.

    Journeys started before `since` (an earlier run on the same PostgreSQL database) are left
    out."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db.models import Count

    from onboarding.journeys import visitors as visitor_cookies
    from onboarding.journeys.models import Journey, StepProgress

    check = Check()
    keys = set()
    for visitor in visitors:
        cookie = visitor.cookies.get(visitor_cookies.cookie_name())
        key = visitor_cookies.key_in_cookie(cookie) if cookie else None
        journeys = list(Journey.objects.filter(visitor_key=key)) if key else []
        keys.add(key)
        if len(journeys) != 1:
            if visitor.saved:
                check.note("lost", f"visitor {visitor.number} has {len(journeys)} journeys")
            continue
        done = {
            row.step.slug: row.answers
            for row in journeys[0].progress.select_related("step").filter(status="done")
        }
        for slug, answers in visitor.saved.items():
            if done.get(slug) != answers:
                check.note(
                    "lost", f"visitor {visitor.number} {slug}: {done.get(slug)} != {answers}"
                )
        for slug in done.keys() - visitor.saved.keys():
            check.note(
                "duplicated", f"visitor {visitor.number} has {slug} saved, never acknowledged"
            )
    this_run = Journey.objects.filter(started_at__gte=since)
    for journey in this_run.exclude(visitor_key__in=keys - {None}):
        check.note("duplicated", f"journey {journey.pk} belongs to no visitor")
    repeated = (
        StepProgress.objects.filter(journey__in=this_run)
        .values("journey", "step")
        .annotate(n=Count("id"))
    )
    for row in repeated.filter(n__gt=1):
        check.note("duplicated", f"{row['n']} rows for one step of journey {row['journey']}")
    for key in _miscounted_steps():
        check.note("miscounted", f"step count {key} differs from the progress rows")
    return check


def _miscounted_steps() -> list[tuple]:
    """The step counts the triggers kept that a recount from the rows would change."""
    from django.db import connection, transaction

    from onboarding.insights import step_counts
    from onboarding.insights.models import StepCount

    def counts() -> dict[tuple, int]:
        rows = StepCount.objects.filter(total__gt=0)
        return {(c.step_id, c.status, c.taken, c.problem): c.total for c in rows}

    with transaction.atomic():
        kept = counts()
        step_counts.recount(connection)
        recounted = counts()
        transaction.set_rollback(True)
    return sorted(
        key for key in kept.keys() | recounted.keys() if kept.get(key) != recounted.get(key)
    )


# --- PostgreSQL restart --------------------------------------------------------------------------


def restart_postgres(database_url: str) -> float:
    """Restart the cluster serving this URL; how long the restart took, in seconds."""
    port = str(urllib.parse.urlsplit(database_url).port or 5432)
    clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
    version, name = next(
        (line.split()[:2] for line in clusters.stdout.splitlines() if line.split()[2] == port),
        (os.listdir("/etc/postgresql")[0], "main"),
    )
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], check=True
    )
    return time.monotonic() - started


# --- The run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visitors", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=300, help="time limit for the walk")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 2.5), metavar=("MIN", "MAX"))
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which visitors arrive")
    parser.add_argument("--restart-postgres-at", type=float, metavar="SECONDS")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server-log", type=Path, help="keep gunicorn's and Django's log here")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = bench_env(tmp)
        postgres = env["DATABASE_URL"].startswith("postgres")
        if options.restart_postgres_at is not None and not postgres:
            raise SystemExit("--restart-postgres-at needs DATABASE_URL=postgres://...")
        prepare(env)
        port = free_port()
        server_log = tmp / "gunicorn.log"
        with server_log.open("w") as log:
            gunicorn = start_gunicorn(env, port, options.workers, stderr=log)
        since = datetime.datetime.now(datetime.UTC)
        started = time.monotonic()
        deadline = started + options.seconds
        visitors = [Visitor(n, port, options, deadline) for n in range(options.visitors)]
        restart: dict[str, float] = {}
        try:
            threads = [threading.Thread(target=visitor.walk) for visitor in visitors]
            for thread in threads:
                thread.start()
                time.sleep(options.ramp / len(threads))
            if options.restart_postgres_at is not None:
                time.sleep(max(0.0, started + options.restart_postgres_at - time.monotonic()))
                restart["at"] = time.monotonic() - started
                restart["took"] = restart_postgres(env["DATABASE_URL"])
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        check = check_database(env, visitors, since)
        log_text = server_log.read_text()
        if options.server_log:
            options.server_log.write_text(log_text)

    totals = Counter()
    latencies: list[float] = []
    problems: list[str] = []
    for visitor in visitors:
        tally = visitor.tally
        totals.update(
            requests=tally.requests, errors=tally.errors, unavailable=tally.unavailable,
            saves=tally.saves, resent=tally.resent, changed=tally.changed,
            finished=tally.finished,
        )  # fmt: skip
        latencies += tally.latencies
        problems += tally.problems
    server_errors = log_text.count("Internal Server Error")
    locked = log_text.count("database is locked")
    errors = totals["errors"] + server_errors
    if options.restart_postgres_at is None:
        errors += totals["unavailable"]  # without a fault, a 503 is an error too
    for line in (problems + check.details)[:10]:
        print(line, file=sys.stderr)
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) > 1 else 0.0
    database = "PostgreSQL" if postgres else "SQLite"
    fault = (
        f", PostgreSQL restarted at {restart['at']:.0f} s (took {restart['took']:.1f} s)"
        if restart
        else ""
    )
    print(
        f"people: {options.visitors} visitors, {errors} errors, {check.lost} lost, "
        f"{check.duplicated} duplicated, {check.miscounted} miscounted, "
        f"{totals['finished']} finished, {totals['saves']} saves "
        f"({totals['resent']} resent, {totals['changed']} changed after Back), "
        f"{totals['unavailable']} answered 503 and retried, {server_errors} server errors logged, "
        f'{locked} "database is locked"; {totals["requests"]} requests in {elapsed:.0f} s, '
        f"p95 {p95:.0f} ms ({database}, {options.workers} gunicorn workers){fault}"
    )
    ok = errors == 0 and not (check.lost or check.duplicated or check.miscounted) and locked == 0
    sys.exit(0 if ok and totals["finished"] == options.visitors else 1)


if __name__ == "__main__":
    main()
