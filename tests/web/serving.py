"""Servers for tests: the production shape (gunicorn, DEBUG off, behind a TLS proxy) started as
child processes on free loopback ports, stopped with their whole process group after."""

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
