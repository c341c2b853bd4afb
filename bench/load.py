"""Load benchmark: the pages as visitors use them, each against a bare /healthz, same gunicorn, same
run.

    python bench/load.py [--workers 2] [--seconds 5] [--rounds 3] [--visitors 2000]
                         [--only first-view,step-saved,sidebar,task-list,share-page]

Seeds a scratch database (a temporary SQLite file; with DATABASE_URL, a database of its own on
that PostgreSQL server, dropped afterwards), starts gunicorn on a free loopback port, and learns
the guide over HTTP as a visitor would: the task list's step links, each step page's form. Then it
makes the visitors, by real POSTs: visitor i has saved i % S of the S steps, each with its own
cookies (visitor cookie, CSRF cookie and token). A second, smaller group saves steps during the
run, and a quarter of the visitors get a share link.

The rows, at twice the worker count in connections:

  healthz     the bare view, with each generator that the rows below use
  first view  each visitor's next step page, once per visitor per round, in rotation (visitor i,
              then i + 1, at another step): no (visitor, page) twice in a round, so no answer can
              come from a cache of that page; a round ends when the pages run out (or time does),
              and the next one goes on from there: a page comes again only after the others of
              its connection's slice
  step saved  a save as it happens: the step's POST, its redirect and the htmx sidebar fetch that
              follows, each iteration another visitor at another step (Python generator: wrk
              cannot chain them); its req/s are saved steps per second
  sidebar     the htmx sidebar partial, rotated across the visitors
  task list   the guide's task list, rotated across the visitors
  share page  /share/<token>/, rotated across the share links

Rounds alternate the rows, so that drift on the machine hits each alike; the table shows each
row's median round and its ratio to /healthz measured by the same generator. wrk (Debian's
package) runs the GET rows with bench/loadgen.py's rotation script; without it, or with
--python-load, the Python generator runs them all. Any answer that is not 2xx or 3xx is an error,
and the first few are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Run as a script, this folder is first on sys.path: the helpers are bench/'s own.
from loadgen import Line, Result, Rotation, run_python, run_threads, run_wrk
from portal import (
    BenchError,
    Browser,
    Guide,
    Visitor,
    advance,
    create_share_link,
    discover,
    error_summary,
    new_visitor,
)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TASK_LIST = "/guides/alipay/"
ROWS = ("first-view", "step-saved", "sidebar", "task-list", "share-page")


# --- The server (bench/people.py and bench/scale.py use these too) ---------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(tmp: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-not-secret",
        "SECURE_TRANSPORT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "onboarding.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    return env


def prepare(env: dict[str, str]) -> None:
    """Create (on PostgreSQL, if missing), migrate, seed and collect static files."""
    if env["DATABASE_URL"].startswith("postgres"):
        create_database_if_missing(env["DATABASE_URL"])
    for command in (["migrate", "--no-input"], ["seed_guides"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )


def _server(url: str) -> dict[str, object]:
    from dj_database_url import parse

    config = parse(url)
    return {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"]}


def create_database_if_missing(url: str) -> None:
    """A benchmark names a scratch database; create it on its server if it is not there yet."""
    import psycopg
    from dj_database_url import parse

    name = parse(url)["NAME"]
    with psycopg.connect(dbname="postgres", autocommit=True, **_server(url)) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


@contextlib.contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new database on the server `url` names, for this run alone; dropped at the end."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"{parts.path.strip('/') or 'bench'}_load_{os.getpid()}"
    with psycopg.connect(dbname="postgres", autocommit=True, **_server(url)) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **_server(url)) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, *, stderr: IO[str] | None = None
) -> subprocess.Popen:
    """gunicorn on this loopback port, the app as gunicorn.conf.py names it; its log (and
    Django's) to stderr, ours by default."""
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stderr=stderr,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


# --- The visitors ----------------------------------------------------------------------------


@dataclass
class Cast:
    """Everyone the run needs, made over HTTP before the timed rounds."""

    guide: Guide
    readers: list[Visitor]  # read in the GET rows; their progress never changes
    savers: list[Visitor]  # save steps in the "step saved" row
    shares: list[str]  # share page paths


def make_cast(
    port: int, visitors: int, *, want_savers: bool, want_shares: bool, threads: int
) -> Cast:
    guide = discover(Browser("127.0.0.1", port), TASK_LIST)
    steps = guide.size
    savers = max(50, visitors // 4) if want_savers else 0

    def make(number: int) -> Visitor:
        visitor = new_visitor(number, Browser("127.0.0.1", port), guide)
        advance(visitor, guide, number % steps)
        return visitor

    total = visitors + savers
    saves = sum(n % steps for n in range(total))
    say(f"{guide.size} steps found; making {total} visitors by {saves} real saves ...")
    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        cast = list(pool.map(make, range(total)))
        readers, saving = cast[:visitors], cast[visitors:]
        shares: list[str] = []
        if want_shares:
            # A quarter of the readers with a journey share it (spread over every step).
            sharing = [v for v in readers if v.done][: max(1, visitors // 4)]
            shares = list(pool.map(lambda v: create_share_link(v, guide), sharing))
    say(f"... made in {time.monotonic() - started:.0f} s, and {len(shares)} share links")
    return Cast(guide, readers, saving, shares)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- The rows --------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    generator: str  # "wrk" or "python"
    run: Callable[[], Result]


def get_rows(cast: Cast, base: str, args: argparse.Namespace, tmp: Path) -> list[Row]:
    guide = cast.guide
    connections = 2 * args.workers
    wrk = shutil.which("wrk") is not None and not args.python_load
    get = "wrk" if wrk else "python"

    def load(lines: list[Line], *, once: bool, generator: str = get) -> Callable[[], Result]:
        # Each round goes on where the last one left the rotation.
        options = {"seconds": args.seconds, "connections": connections, "once": once}
        rotation = Rotation()
        if generator == "wrk":
            return lambda: run_wrk(base, lines, tmp=tmp, rotation=rotation, **options)
        return lambda: run_python(base, lines, rotation=rotation, **options)

    def cookie(visitor: Visitor) -> dict[str, str]:
        return {"Cookie": visitor.browser.cookie_header()} if visitor.browser.cookies else {}

    readers = cast.readers
    healthz = [Line("/healthz")] * connections
    rows = [Row("healthz", get, load(healthz, once=False))]
    if "first-view" in args.only:
        lines = [Line(v.next_path(guide), cookie(v)) for v in readers]
        rows.append(Row("first view", get, load(lines, once=True)))
    if "sidebar" in args.only:
        lines = [
            Line(
                guide.sidebar,
                {**cookie(v), "HX-Request": "true", "HX-Current-URL": base + v.next_path(guide)},
            )
            for v in readers
        ]
        rows.append(Row("sidebar", get, load(lines, once=False)))
    if "task-list" in args.only:
        lines = [Line(guide.task_list, cookie(v)) for v in readers]
        rows.append(Row("task list", get, load(lines, once=False)))
    if "share-page" in args.only:
        lines = [Line(path) for path in cast.shares]  # a helper's browser: no cookie of ours
        rows.append(Row("share page", get, load(lines, once=False)))
    if "step-saved" in args.only:
        if get != "python":
            rows.append(Row("healthz", "python", load(healthz, once=False, generator="python")))
        savers = deque(v for v in cast.savers if v.done < guide.size)
        rows.append(
            Row(
                "step saved",
                "python",
                lambda: run_saves(
                    base, guide, savers, seconds=args.seconds, connections=connections
                ),
            )
        )
    return rows


def run_saves(
    base: str, guide: Guide, savers: deque[Visitor], *, seconds: float, connections: int
) -> Result:
    """Saves as they happen: POST the visitor's next step, GET where it redirects, GET the
    sidebar as htmx does after a save. Each iteration takes the visitor at the head of the
    queue (no two threads hold one visitor), which goes to the back while it has steps left."""
    lock = threading.Lock()
    host, port = base.removeprefix("http://").split(":")

    def work(_: range, deadline: float, record: Callable[[float, str | None], None]) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if not savers:
                    return
                visitor = savers.popleft()
            started = time.perf_counter()
            done = visitor.done
            try:
                failure = save_once(connection, base, guide, visitor)
            except (OSError, http.client.HTTPException) as error:
                failure = f"{type(error).__name__} saving {guide.steps[done].path}"
                connection.close()
            record((time.perf_counter() - started) * 1000, failure)
            # A visitor whose save was refused leaves the queue: it would only be refused again.
            if done < visitor.done < guide.size:
                with lock:
                    savers.append(visitor)

    return run_threads(work, connections, seconds=seconds, connections=connections)


def save_once(
    connection: http.client.HTTPConnection, base: str, guide: Guide, visitor: Visitor
) -> str | None:
    """One saved step; None, or what went wrong."""
    index = visitor.done
    path = guide.steps[index].path
    browser = visitor.browser
    body = urllib.parse.urlencode(visitor.form_for(guide, index))
    headers = {
        "Cookie": browser.cookie_header(),
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": base,
    }
    status, location, text = _send(connection, browser, "POST", path, body, headers)
    if status != 302:
        summary = f" (form refused: {error_summary(text)})" if status == 200 else ""
        return f"{status} POST {path}{summary}"
    visitor.done += 1
    status, _, _ = _send(
        connection, browser, "GET", location, None, {"Cookie": browser.cookie_header()}
    )
    if not 200 <= status < 400:
        return f"{status} GET {location} (after saving {path})"
    htmx = {
        "Cookie": browser.cookie_header(),
        "HX-Request": "true",
        "HX-Current-URL": base + location,
    }
    status, _, _ = _send(connection, browser, "GET", guide.sidebar, None, htmx)
    if not 200 <= status < 400:
        return f"{status} GET {guide.sidebar} (htmx, after saving {path})"
    return None


def _send(
    connection: http.client.HTTPConnection,
    browser: Browser,
    method: str,
    path: str,
    body: str | None,
    headers: dict[str, str],
) -> tuple[int, str, str]:
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    browser.keep_cookies(response.msg.get_all("Set-Cookie") or [])
    location = urllib.parse.urlsplit(response.getheader("Location") or "").path
    return response.status, location, text


# --- The run ---------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--seconds", type=float, default=5, help="per row per round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="default 3")
    parser.add_argument(
        "--visitors", type=int, default=2000, help="visitors at different steps (default 2000)"
    )
    parser.add_argument(
        "--only",
        default=",".join(ROWS),
        help=f"rows to measure besides healthz, comma-separated (default {','.join(ROWS)})",
    )
    parser.add_argument("--python-load", action="store_true", help="the Python generator only")
    parser.add_argument("--server-log", type=Path, help="keep gunicorn's and Django's log here")
    args = parser.parse_args()
    args.only = {name.strip() for name in args.only.split(",") if name.strip()}
    if args.visitors < 2 * args.workers:
        parser.error("--visitors must be at least the number of connections (2 x --workers)")
    if unknown := args.only - set(ROWS):
        parser.error(f"unknown rows {sorted(unknown)}; choose from {','.join(ROWS)}")
    return args


def main() -> None:
    args = parse_args()
    connections = 2 * args.workers
    with tempfile.TemporaryDirectory() as tmp_name, contextlib.ExitStack() as stack:
        tmp = Path(tmp_name)
        env = bench_env(tmp)
        if env["DATABASE_URL"].startswith("postgres"):
            env["DATABASE_URL"] = stack.enter_context(scratch_database(env["DATABASE_URL"]))
        say("migrating and seeding a scratch database ...")
        prepare(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = tmp / "gunicorn.log"
        with server_log.open("w") as log:
            gunicorn = start_gunicorn(env, port, args.workers, stderr=log)
        try:
            cast = make_cast(
                port,
                args.visitors,
                want_savers="step-saved" in args.only,
                want_shares="share-page" in args.only,
                threads=2 * connections,
            )
            rows = get_rows(cast, base, args, tmp)
            results: dict[tuple[str, str], list[Result]] = {}
            load_before = busy_elsewhere()
            for round_number in range(1, args.rounds + 1):
                say(f"round {round_number} of {args.rounds}: " + ", ".join(r.name for r in rows))
                for row in rows:
                    before = server_cpu_seconds(gunicorn.pid)
                    result = row.run()
                    after = server_cpu_seconds(gunicorn.pid)
                    if before is not None and after is not None and result.requests:
                        result.cpu_ms = (after - before) / result.requests * 1000
                    results.setdefault((row.name, row.generator), []).append(result)
            load_after = busy_elsewhere()
        except BenchError as error:
            raise SystemExit(f"bench: {error}") from None
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
            log_text = server_log.read_text()
            if args.server_log:
                args.server_log.write_text(log_text)
    report(args, env, cast, results, log_text, load=(load_before, load_after))


def server_cpu_seconds(master: int) -> float | None:
    """The CPU time (user and system) gunicorn's workers, the master's children, have used so
    far, from /proc (None where there is none)."""
    ticks = 0
    try:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a process that ended meanwhile
            if int(fields[1]) == master:  # the parent's pid
                ticks += int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def busy_elsewhere(seconds: float = 2.0) -> float | None:
    """How busy the CPUs are while this benchmark does nothing (gunicorn idle): other work's
    share, from /proc/stat (None where there is none)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
        return sum(values[:8]), idle

    try:
        total_0, idle_0 = sample()
        time.sleep(seconds)
        total_1, idle_1 = sample()
    except OSError:
        return None
    total = total_1 - total_0
    return 1 - (idle_1 - idle_0) / total if total else None


def database_shape(env: dict[str, str]) -> str:
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    return database + (" + Redis" if env.get("REDIS_URL") else "")


def report(
    args: argparse.Namespace,
    env: dict[str, str],
    cast: Cast,
    results: dict[tuple[str, str], list[Result]],
    log_text: str,
    *,
    load: tuple[float | None, float | None],
) -> None:
    connections = 2 * args.workers
    print(
        f"\n{os.cpu_count()} cores, {args.workers} gunicorn workers, {connections} connections, "
        f"{database_shape(env)}, {len(cast.readers)} visitors at {cast.guide.size} steps "
        f"(+{len(cast.savers)} saving, {len(cast.shares)} share links), "
        f"{args.rounds} rounds x {args.seconds:g} s per row (median round shown)"
    )
    columns = ("req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "ratio", "cpu ms")
    header = f"{'page':<12} {'generator':<9}" + "".join(f" {column:>7}" for column in columns)
    print(header)
    print("-" * len(header))
    baselines = {
        generator: statistics.median(r.rps for r in runs)
        for (name, generator), runs in results.items()
        if name == "healthz"
    }
    failures: list[str] = []
    for (name, generator), runs in results.items():
        rps = statistics.median(r.rps for r in runs)
        p50, p95, p99 = (
            statistics.median(getattr(r, q) for r in runs) for q in ("p50", "p95", "p99")
        )
        errors = sum(r.errors for r in runs)
        failures += [f"{name}: {f}" for r in runs for f in r.failures]
        ratio = rps / baselines[generator] if baselines.get(generator) else 0.0
        cpu = [r.cpu_ms for r in runs if r.cpu_ms is not None]
        cpu_text = f"{statistics.median(cpu):>7.2f}" if cpu else f"{'-':>7}"
        print(
            f"{name:<12} {generator:<9} {rps:>7.0f} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f} "
            f"{errors:>7} {ratio:>7.2f} {cpu_text}"
        )
    notes = []
    if runs := results.get(("first view", "wrk")) or results.get(("first view", "python")):
        per_round = ", ".join(f"{r.requests} in {r.seconds:.1f} s" for r in runs)
        seen = sum(r.requests for r in runs)
        again = f"; {seen - len(cast.readers)} seen again" if seen > len(cast.readers) else ""
        notes.append(
            f"first view: each visitor's next step at most once a round ({per_round}); "
            f"{min(seen, len(cast.readers))} of {len(cast.readers)} pages seen{again}"
        )
    if runs := results.get(("step saved", "python")):
        notes.append(
            "step saved: req/s are saves (POST + redirect GET + htmx sidebar GET); "
            f"{sum(r.requests for r in runs)} saves in all"
        )
    notes.append(
        "cpu ms: the gunicorn workers' CPU time (user + system) per request, per save for step "
        "saved, over the round"
    )
    # The machine's other work shows here: the load the rounds started and ended at.
    if None not in load:
        notes.append(
            f"other work on the machine, measured while the benchmark sat idle for 2 s: "
            f"CPUs {load[0]:.0%} busy before the rounds, {load[1]:.0%} after"
        )
        if max(load) > 0.10:  # type: ignore[operator]
            notes.append("warning: the machine was busy with other work; compare runs with care")
    for note in notes:
        print(note)
    server_errors = log_text.count("Traceback")
    if failures or server_errors:
        print(f"\nerrors: {len(failures)} shown, {server_errors} tracebacks in the server log")
        for failure in failures[:10]:
            print(f"  {failure}")
        sys.exit(1)


if __name__ == "__main__":
    main()
