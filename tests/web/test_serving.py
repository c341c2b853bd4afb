"""The production shape for real: `make serve`, several gunicorn processes, one database.

Servers run as child processes on free loopback ports, against a SQLite file or, when the suite
runs on PostgreSQL, the suite's own test database (committed data, so other processes see it);
REDIS_URL, when set, is shared by every process, as in production.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
MAKE_SERVE = ["make", "--no-print-directory", "serve"]


@dataclass
class Server:
    """A server started for a test: its port and, once stopped, everything it printed."""

    port: int
    output: list[str] = field(default_factory=list)

    def get(self, path: str, **headers: str) -> http.client.HTTPResponse:
        """A GET as the TLS proxy in front would forward it."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https", **headers})
        response = conn.getresponse()
        response.body = response.read().decode(errors="replace")
        conn.close()
        return response


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database_url: str, static_root: Path, **overrides: str) -> dict[str, str]:
    """DEBUG off, behind a TLS proxy, on this database; SECRET_KEY and REDIS_URL inherited."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECURE_TRANSPORT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="onboarding.settings",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        BEHIND_TLS_PROXY="1",
        WEB_CONCURRENCY="1",
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@contextmanager
def serving(command: list[str], env: dict[str, str]) -> Iterator[Server]:
    """Start a server, wait until gunicorn listens, and stop its whole process group after."""
    server = Server(port=int(env["PORT"]))
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    listening = threading.Event()

    def read_output() -> None:
        for line in process.stdout:
            server.output.append(line)
            if "Listening at:" in line:
                listening.set()
        listening.set()  # it exited: let the test fail with what it printed

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    try:
        listening.wait(timeout=120)
        assert process.poll() is None, "".join(server.output)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        reader.join(timeout=60)
        process.stdout.close()


@pytest.fixture
def database_url(request, tmp_path) -> str:
    """A database other processes can share: a SQLite file, or the suite's PostgreSQL one."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    request.getfixturevalue("transactional_db")
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def server_env(database_url, tmp_path) -> dict[str, str]:
    return production_env(database_url, tmp_path / "static", PORT=str(free_port()))


@pytest.fixture
def seeded_server_env(server_env) -> dict[str, str]:
    """The environment of a migrated database with the Alipay guide and collected static files."""
    manage("migrate", "--no-input", env=server_env)
    manage("seed_guides", env=server_env)
    manage("collectstatic", "--no-input", env=server_env)
    return server_env


# The seeded title of the "prepare" step, which the editor changes below.
PREPARE_TITLE = "Get your passport, phone and card ready"
SHARE_TOKEN = "Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC10b2tlbg"


def test_make_serve_serves_the_portal_with_every_security_header(server_env):
    with serving(MAKE_SERVE, server_env) as server:
        page = server.get("/")
        step = server.get("/guides/alipay/about/")

    assert page.status == 200
    assert "Alipay" in page.body
    assert step.status == 200
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in page.headers["Cache-Control"]
    assert "__Host-csrftoken=" in step.headers["Set-Cookie"]


def test_make_serve_serves_hashed_compressed_static_files(server_env):
    with serving(MAKE_SERVE, server_env) as server:
        page = server.get("/")
        stylesheet = page.body.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        css = server.get(stylesheet, **{"Accept-Encoding": "gzip"})

    assert stylesheet.startswith("/static/css/portal.") and stylesheet != "/static/css/portal.css"
    assert css.status == 200
    assert css.headers["Content-Encoding"] == "gzip"
    assert "immutable" in css.headers["Cache-Control"]


def test_the_access_log_never_holds_a_share_token(seeded_server_env):
    with serving(GUNICORN, seeded_server_env) as server:
        server.get(f"/share/{SHARE_TOKEN}/")
        server.get("/healthz")

    output = "".join(server.output)
    assert '"GET /healthz HTTP/1.1" 200' in output  # the access log is on
    assert '"GET /share/[redacted]/ HTTP/1.1"' in output
    assert SHARE_TOKEN not in output


def test_two_processes_both_serve_an_editors_change_at_once(seeded_server_env):
    other_env = {**seeded_server_env, "PORT": str(free_port())}
    with (
        serving(GUNICORN, seeded_server_env) as first,
        serving(GUNICORN, other_env) as second,
    ):
        # Each process reads the guide once and keeps its structure in its cache.
        for server in (first, second, first, second):
            assert PREPARE_TITLE in server.get("/guides/alipay/").body
        # An editor saves a change in a third process (as admin would, through the model).
        manage(
            "shell",
            "-c",
            "from onboarding.guides.models import Step\n"
            "step = Step.objects.get(slug='prepare')\n"
            "step.title = 'Gather your documents'\n"
            "step.save()",
            env=seeded_server_env,
        )
        pages = [first.get("/guides/alipay/").body, second.get("/guides/alipay/").body]

    assert all("Gather your documents" in page for page in pages)
    assert not any(PREPARE_TITLE in page for page in pages)


_WRITER = """
import sys
import django
django.setup()
from onboarding.guides.models import Guide
from onboarding.journeys.models import Journey
from onboarding.journeys.selectors import progress_for
from onboarding.journeys.services import record_step
guide = Guide.objects.get(slug="alipay")
for number in range(25):
    journey = Journey.objects.create(guide=guide, visitor_key=f"{sys.argv[1]}-{number}")
    first, second = (state.step for state in progress_for(guide=guide, journey=journey).states[:2])
    record_step(
        journey=journey, step=first, status="done", answers={}, steering={}, next_step=second
    )
"""


def test_several_processes_write_to_sqlite_at_once_without_locking_errors(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'portal.sqlite3'}", tmp_path / "static")
    manage("migrate", "--no-input", env=env)
    manage("seed_guides", env=env)

    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, f"writer-{number}"],
            env=env,
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(4)
    ]
    errors = [writer.communicate(timeout=300)[1] for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0, 0, 0], "\n".join(errors)
    count = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from onboarding.journeys.models import StepProgress; print(StepProgress.objects.count())",
        env=env,
    )
    assert int(count) == 4 * 25 * 2
