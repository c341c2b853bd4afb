"""Where the npm checkers live (installed by `npm ci`, see the Makefile), and what to do when a
tool is missing: fail in CI (CI=true), where .ci/run and `make install` install everything, and
skip locally with the command that installs it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE_CLI = NODE_MODULES / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Chromium as python-svc.md says it runs here: without the background-networking flags its
# connections to Google's hosts are refused by the closed network, many at a time.
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing(message: str) -> None:
    """A tool the check needs is not installed: an error in CI, a skip on a developer's machine."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_file(path: Path, install: str) -> Path:
    if not path.exists():
        missing(f"{path.relative_to(ROOT)} is missing: run `{install}`")
    return path


def require_program(name: str, install: str) -> str:
    found = shutil.which(name)  # a path or a name on PATH
    if found is None:
        missing(f"no {name} on this machine: run `{install}`")
    return found
