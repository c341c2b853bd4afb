"""The production shape for real: `make serve`, several gunicorn processes, one database.

Servers run as child processes on free loopback ports, against a SQLite file or, when the suite
runs on PostgreSQL, the suite's own test database (committed data, so other processes see it);
REDIS_URL, when set, is shared by every process, as in production.
"""

from __future__ import annotations

import subprocess
import sys

from tests.web.serving import GUNICORN, MAKE_SERVE, ROOT, free_port, manage, production_env, serving

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
