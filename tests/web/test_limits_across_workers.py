"""The limits hold across workers: two gunicorn workers on one SQLite file count as one.

Each worker is a gunicorn of its own (one worker process each), so the test chooses which one
gets each request; the failed logins are counted by django-axes in the database, the share-link
misses in the "limits" cache (a table of the same database without Redis).
"""

from __future__ import annotations

import http.client
import re
import secrets
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from tests.web.serving import GUNICORN, Server, free_port, manage, serving

# The limits as promised, written out here rather than imported from the code under test.
MAX_FAILURES_PER_ACCOUNT = 5
SHARE_MISSES_A_MINUTE = 20
PASSWORD = "a-long-enough-passphrase-42"


class Browser:
    """One person's cookies, sent to whichever server a request goes to."""

    def __init__(self) -> None:
        self.cookies = SimpleCookie()

    def request(
        self, server: Server, method: str, path: str, form: dict[str, str] | None = None
    ) -> http.client.HTTPResponse:
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{server.port}"
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.body = response.read().decode(errors="replace")
        conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response

    def log_in(self, server: Server, password: str) -> http.client.HTTPResponse:
        page = self.request(server, "GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
        form = {"csrfmiddlewaretoken": token, "username": "ana@example.com", "password": password}
        return self.request(server, "POST", "/accounts/login/", form)


def two_workers(env: dict[str, str]):
    return serving(GUNICORN, env), serving(GUNICORN, {**env, "PORT": str(free_port())})


def test_the_sixth_wrong_password_is_refused_whichever_worker_gets_it(seeded_server_env):
    manage(
        "shell",
        "-c",
        "from onboarding.accounts.models import User\n"
        f"User.objects.create_user('ana@example.com', {PASSWORD!r})",
        env=seeded_server_env,
    )
    first_server, second_server = two_workers(seeded_server_env)
    with first_server as first, second_server as second:
        workers = [first, second]
        attacker = Browser()
        answers = [
            attacker.log_in(workers[number % 2], "wrong-password").status
            for number in range(MAX_FAILURES_PER_ACCOUNT)
        ]
        # Locked: even the right password, on either worker.
        after = [Browser().log_in(worker, PASSWORD) for worker in (second, first)]

    assert answers == [200, 200, 200, 200, 429]
    assert [response.status for response in after] == [429, 429]
    assert all("Too many tries: try again in" in response.body for response in after)
    assert all("sessionid" not in str(response.headers) for response in after)


def test_the_twenty_first_share_link_miss_is_refused_on_either_worker(seeded_server_env):
    first_server, second_server = two_workers(seeded_server_env)
    with first_server as first, second_server as second:
        workers = [first, second]
        misses = [
            workers[number % 2].get(f"/share/{secrets.token_urlsafe(32)}/").status
            for number in range(SHARE_MISSES_A_MINUTE)
        ]
        refused = [worker.get(f"/share/{secrets.token_urlsafe(32)}/").status for worker in workers]

    assert misses == [404] * SHARE_MISSES_A_MINUTE
    assert refused == [429, 429]
