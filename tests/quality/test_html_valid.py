"""Every page type is valid HTML, as the Nu Html Checker (vnu.jar, from npm) reads it.

Each page type of tests/quality/pages.py is rendered with Django's test client, for each
audience that sees it (signed out, signed in, staff), into a folder; then the checker runs once
over all the files (the JVM's start-up is most of its time). It needs Java (11 or newer) and
`npm ci` (node_modules/vnu-jar).
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.quality.checkers import VNU_JAR, require_file, require_program
from tests.quality.pages import each_visit, fetch


def render_every_page(folder: Path) -> dict[str, str]:
    """Write each page type's HTML, for each audience, into `folder`; {file name: page label}."""
    labels = {}
    for page_type, audience, client, visit in each_visit():
        response = fetch(client, visit)
        assert response.status_code == visit.status, (page_type.name, audience, visit.path)
        name = f"{page_type.name}--{audience}.html"
        (folder / name).write_bytes(response.content)
        labels[name] = f"{page_type.name} ({audience}, {visit.path})"
    return labels


def nu_html_checker() -> list[str]:
    """The command that runs the checker (before the files to check)."""
    java = require_program("java", "apt-get install -y default-jre-headless")
    jar = require_file(VNU_JAR, "npm ci")
    return [java, "-jar", str(jar), "--format", "json", "--errors-only"]


def errors_found(checker: list[str], files: list[Path]) -> list[dict]:
    """The checker's errors over these files, as its JSON messages."""
    result = subprocess.run(
        [*checker, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # It writes its report to stderr, and exits 1 when it found errors.
    assert result.returncode in {0, 1}, result.stderr[-4000:]
    return json.loads(result.stderr)["messages"]


def describe(messages: list[dict], labels: dict[str, str]) -> str:
    """Each error with its page type and line, after a count of each kind of error."""
    counts = Counter(message["message"] for message in messages)
    pages = {Path(unquote(urlsplit(message["url"]).path)).name for message in messages}
    lines = [f"{len(messages)} errors on {len(pages)} of {len(labels)} pages, by message:"]
    lines += [f"  {count:4d} × {text}" for text, count in counts.most_common()]
    lines.append("Each error:")
    for message in messages:
        name = Path(unquote(urlsplit(message.get("url", "")).path)).name
        extract = " ".join(message.get("extract", "").split())[:100]
        lines.append(
            f"  {labels.get(name, name)} line {message.get('lastLine', '?')}: "
            f"{message['message']}  [{extract}]"
        )
    return "\n".join(lines)


def test_every_page_type_is_valid_html(alipay, tmp_path):
    checker = nu_html_checker()
    labels = render_every_page(tmp_path)

    messages = errors_found(checker, sorted(tmp_path.glob("*.html")))

    assert not messages, describe(messages, labels)
