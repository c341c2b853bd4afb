"""The accounts' mail, composed and sent off the request path, so that no answer waits for it.

Sign-up and password reset answer the same whether the address has an account or not; if the
answer waited for a mail to be composed and handed to the mail server, its timing would tell
which. So the request does the same work either way (one lookup, the same counts) and leaves
the mail to a thread of its own, started once the response has gone out: Django sends
`request_finished` when the server closes the response, after writing all of it. The thread
composes the mail (token, templates) and sends it; it touches no database: the request hands it
the accounts it found.

A thread, not `transaction.on_commit`: the views run in autocommit (no ATOMIC_REQUESTS), so the
rows a mail is about are committed before it is composed; and on_commit would run while the
response is still being built. The threads are not daemons: a worker that stops waits for its
mail to go.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.core.signals import request_finished
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode

from onboarding.accounts.models import User
from onboarding.accounts.tokens import signup_token_generator

logger = logging.getLogger(__name__)

# What each request thread leaves to send, and the threads sending it.
_pending = threading.local()
_running: set[threading.Thread] = set()
_running_lock = threading.Lock()


def send_after_response(send: Callable[[], object]) -> None:
    """Run `send` (composing and sending mail) in a thread of its own once the response is out.

    Only from a view: the thread starts when this request finishes (request_finished).
    """
    pending = getattr(_pending, "sends", None)
    if pending is None:
        pending = _pending.sends = []
    pending.append(send)


@receiver(request_finished)
def start_pending_mail(sender: object, **kwargs: object) -> None:
    """The response has been sent: start the threads for the mail this request left."""
    sends, _pending.sends = getattr(_pending, "sends", None) or [], []
    for send in sends:
        _start(send)


def _start(send: Callable[[], object]) -> None:
    def run() -> None:
        # Hand the interpreter back at once: the worker finishes the request first.
        time.sleep(0)
        try:
            send()
        except Exception:
            # Nobody waits for this thread to report to: the log is where it goes.
            logger.exception("Sending an account mail failed.")
        finally:
            with _running_lock:
                _running.discard(threading.current_thread())

    thread = threading.Thread(target=run, name="account-mail")
    with _running_lock:
        _running.add(thread)
    thread.start()


def wait_for_mail(timeout: float = 30) -> None:
    """Wait until every mail started so far has been sent (for tests and measurements)."""
    deadline = time.monotonic() + timeout
    while True:
        with _running_lock:
            running = list(_running)
        if not running:
            return
        for thread in running:
            thread.join(max(0.0, deadline - time.monotonic()))
        if time.monotonic() >= deadline:
            raise TimeoutError("Account mail still being sent.")


@dataclass(frozen=True, slots=True)
class Site:
    """Where links in a mail point: the scheme and host the request came to."""

    protocol: str
    domain: str

    def url(self, path: str) -> str:
        return f"{self.protocol}://{self.domain}{path}"


def _message(*, template: str, to: str, context: dict[str, object]) -> EmailMessage:
    subject = "".join(render_to_string(f"accounts/{template}_subject.txt", context).splitlines())
    body = render_to_string(f"accounts/{template}_email.txt", context)
    return EmailMessage(subject, body, to=[to])


def confirm_signup_message(*, user: User, site: Site, next_url: str | None) -> EmailMessage:
    """The link that finishes creating an account: it activates it and logs in."""
    path = reverse(
        "signup_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": signup_token_generator.make_token(user),
        },
    )
    if next_url:
        path += "?" + urlencode({"next": next_url})
    context = {"email": user.email, "link": site.url(path)}
    return _message(template="signup_confirm", to=user.email, context=context)


def account_exists_message(*, user: User, site: Site) -> EmailMessage:
    """Someone signed up with an address that has an account: how to log in or reset."""
    context = {
        "email": user.email,
        "login_link": site.url(reverse("login")),
        "reset_link": site.url(reverse("password_reset")),
    }
    return _message(template="account_exists", to=user.email, context=context)
