"""Lighthouse (from npm) scores accessibility 100 and SEO at least 95 on the landing page, the task
list, a step and the finish page, on its mobile default and its desktop preset.

Lighthouse drives Debian's Chromium (CHROME_PATH) against pytest-django's live server, as a
visitor: the test client walks the guide as far as the page needs, and Lighthouse sends its
cookies (--extra-headers). A run takes about 13 s alone; the two presets of a page run side by
side, about 25 s a page, under two minutes for the four. Marked `browser`: `make test` runs it,
`make test-fast` does not.

Which SEO audits mean something on loopback (checked on Lighthouse 12.8, Chromium 156):
- robots-txt, is-crawlable, http-status-code: the live server serves the app's own /robots.txt,
  headers and status codes, so they are checked for real, as in production.
- canonical: "not applicable" while the pages have no `rel=canonical`, and Lighthouse leaves it
  out of the score then; once they have one, it is checked here like anywhere else.
- structured-data: a manual audit, never scored.
None is left out, and the thresholds are the issue's (#18): never lower them to pass.
"""

from __future__ import annotations

import json
import os
import subprocess
from urllib.parse import urlsplit

import pytest

from tests.quality.checkers import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    LIGHTHOUSE_CLI,
    require_file,
    require_program,
)
from tests.quality.pages import VISITOR, page_type, person

pytestmark = pytest.mark.browser

ACCESSIBILITY = 100
SEO_AT_LEAST = 95
PAGES = ["landing", "task-list", "step-read", "finish"]
PRESETS = {"mobile": [], "desktop": ["--preset=desktop"]}


def start_lighthouse(url: str, *, cookie: str, preset: list[str], report) -> subprocess.Popen:
    """Start Lighthouse on the page's accessibility and SEO, writing its JSON report."""
    node = require_program("node", "apt-get install -y nodejs npm")
    cli = require_file(LIGHTHOUSE_CLI, "npm ci")
    require_program(CHROMIUM, "apt-get install -y chromium")
    return subprocess.Popen(
        [
            node,
            str(cli),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            "--only-categories=accessibility,seo",
            "--chrome-flags=" + " ".join(CHROMIUM_FLAGS),
            "--extra-headers",
            json.dumps({"Cookie": cookie}),
            *preset,
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def failed_audits(report: dict) -> list[str]:
    """Each scored audit that did not pass, with the elements it names."""
    lines = []
    for category in report["categories"].values():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] == 0 or audit["score"] in (1, None):
                continue
            lines.append(f"    {category['id']}: {audit['id']}: {audit['title']}")
            for item in (audit.get("details") or {}).get("items", [])[:5]:
                node = item.get("node") or {}
                if node:
                    lines.append(f"        {node.get('selector', '')}: {node.get('snippet', '')}")
    return lines


@pytest.mark.parametrize("name", PAGES)
def test_lighthouse_scores_accessibility_100_and_seo_at_least_95(site, tmp_path, name):
    client = person(VISITOR)
    visit = page_type(name).open(client)
    cookie = "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items())

    # Both presets at once: a run is mostly waiting (Chromium's start, page load, axe).
    runs = {
        preset: start_lighthouse(
            site + visit.path, cookie=cookie, preset=flags, report=tmp_path / f"{preset}.json"
        )
        for preset, flags in PRESETS.items()
    }
    reports = {}
    for preset, run in runs.items():
        _, errors = run.communicate(timeout=300)
        assert run.returncode == 0, errors[-4000:]
        reports[preset] = json.loads((tmp_path / f"{preset}.json").read_text())

    scores, lines = {}, []
    for preset, report in reports.items():
        assert report.get("runtimeError") is None, report["runtimeError"]
        assert urlsplit(report["finalDisplayedUrl"]).path == visit.path  # not redirected away
        scores[preset] = {
            key: round(category["score"] * 100) for key, category in report["categories"].items()
        }
        lines += [f"  {preset}: {scores[preset]}", *failed_audits(report)]
    summary = f"{name} ({visit.path}):\n" + "\n".join(lines)
    assert all(score["accessibility"] == ACCESSIBILITY for score in scores.values()), summary
    assert all(score["seo"] >= SEO_AT_LEAST for score in scores.values()), summary
