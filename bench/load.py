"""Load benchmark: wizard pages against a bare /healthz view, same gunicorn, same run.

    python bench/load.py [--workers 2] [--seconds 5] [--rounds 3]

Seeds a fresh database (a temporary SQLite file, or DATABASE_URL when set), starts gunicorn on a
free loopback port, walks a visitor halfway through the guide, then loads each page in turn,
alternating rounds so that drift on the machine hits every page alike. It uses wrk when present
(Debian's package) and a small Python load generator otherwise. It prints req/s, p50/p95/p99
latency, errors and each page's ratio to /healthz, then stops gunicorn.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import re
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
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HALFWAY = ["about-alipay", "prepare", "where-you-are", "connect-vpn", "handle-language"]
CURRENT_STEP = "create-account"

WRK_SCRIPT = """
local method, body, headers = os.getenv("BENCH_METHOD"), os.getenv("BENCH_BODY"), {}
for pair in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\\n]+") do
  local name, value = pair:match("^([^:]+):%s*(.*)$")
  headers[name] = value
end
request = function() return wrk.format(method, nil, headers, body ~= "" and body or nil) end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('BENCH {"requests": %d, "seconds": %f, "errors": %d, '
    .. '"p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclass
class Page:
    name: str
    path: str
    method: str = "GET"
    body: str = ""
    headers: dict[str, str] | None = None


@dataclass
class Result:
    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


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


def create_database_if_missing(url: str) -> None:
    """A benchmark names a scratch database; create it on its server if it is not there yet."""
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    server = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, *, stderr: IO[str] | None = None
) -> subprocess.Popen:
    """gunicorn on this loopback port; its log (and Django's) to stderr, ours by default."""
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "onboarding.wsgi",
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


def walk_halfway(base: str) -> tuple[str, str]:
    """Save the first steps as a visitor; return the cookie header and a CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    fields = {
        "about-alipay": {"confirmed": "on"},
        "where-you-are": {"location": "outside"},
        "connect-vpn": {"confirmed": "on"},
        "handle-language": {"confirmed": "on"},
    }
    for slug in HALFWAY:
        html = opener.open(f"{base}/guides/alipay/{slug}/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        data = {"csrfmiddlewaretoken": token, "guide_alipay-current_step": slug}
        if slug == "prepare":
            for name in re.findall(r'name="(prepare-item_\d+)"', html):
                data[name] = "on"
        for field, value in fields.get(slug, {}).items():
            data[f"{slug}-{field}"] = value
        opener.open(f"{base}/guides/alipay/{slug}/", urllib.parse.urlencode(data).encode())
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)
    return cookies, token


def pages(cookie: str, token: str) -> list[Page]:
    post_body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "guide_alipay-current_step": "handle-language",
            "handle-language-confirmed": "on",
        }
    )
    return [
        Page("healthz", "/healthz"),
        Page("wizard step", f"/guides/alipay/{CURRENT_STEP}/", headers={"Cookie": cookie}),
        Page(
            "sidebar partial",
            "/guides/alipay/progress/",
            headers={"Cookie": cookie, "HX-Request": "true"},
        ),
        Page(
            "step POST",
            "/guides/alipay/handle-language/",
            method="POST",
            body=post_body,
            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        ),
    ]


def run_wrk(base: str, page: Page, seconds: int, connections: int, script: Path) -> Result:
    headers = "\n".join(f"{k}: {v}" for k, v in (page.headers or {}).items())
    env = {
        **os.environ,
        "BENCH_METHOD": page.method,
        "BENCH_BODY": page.body,
        "BENCH_HEADERS": headers,
    }
    output = subprocess.run(
        [
            "wrk",
            "-t",
            "1",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "-s",
            str(script),
            base + page.path,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return Result(**json.loads(line.removeprefix("BENCH ")))


def run_python(base: str, page: Page, seconds: int, connections: int) -> Result:
    """A keep-alive load generator for machines without wrk (slower: ratios stay meaningful)."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        own: list[float] = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request(
                    page.method, page.path, body=page.body or None, headers=page.headers or {}
                )
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                ok = False
                connection = http.client.HTTPConnection(host, int(port), timeout=10)
            own.append((time.perf_counter() - started) * 1000)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(own)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Result(len(latencies), elapsed, errors[0], quantiles[49], quantiles[94], quantiles[98])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seconds", type=int, default=5, help="per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python-load", action="store_true", help="use the Python generator")
    args = parser.parse_args()
    use_wrk = shutil.which("wrk") is not None and not args.python_load
    connections = 2 * args.workers

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = bench_env(tmp)
        prepare(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = start_gunicorn(env, port, args.workers)
        try:
            cookie, token = walk_halfway(base)
            script = tmp / "bench.lua"
            script.write_text(WRK_SCRIPT)
            results: dict[str, list[Result]] = {}
            for _ in range(args.rounds):
                for page in pages(cookie, token):
                    if use_wrk:
                        result = run_wrk(base, page, args.seconds, connections, script)
                    else:
                        result = run_python(base, page, args.seconds, connections)
                    results.setdefault(page.name, []).append(result)
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)

    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(
        f"\n{os.cpu_count()} cores, {args.workers} gunicorn workers, {connections} connections, "
        f"{database}, {'wrk' if use_wrk else 'python load generator'}, "
        f"{args.rounds} rounds x {args.seconds:g} s per page (median round shown)"
    )
    columns = ("req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "ratio")
    header = f"{'page':<16}" + "".join(f" {column:>8}" for column in columns)
    print(header)
    print("-" * len(header))
    baseline = statistics.median(r.rps for r in results["healthz"])
    for name, runs in results.items():
        rps = statistics.median(r.rps for r in runs)
        p50 = statistics.median(r.p50 for r in runs)
        p95 = statistics.median(r.p95 for r in runs)
        p99 = statistics.median(r.p99 for r in runs)
        errors = sum(r.errors for r in runs)
        row = f"{rps:>8.0f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {errors:>8} {rps / baseline:>8.2f}"
        print(f"{name:<16} {row}")


if __name__ == "__main__":
    main()
