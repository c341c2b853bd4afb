from __future__ import annotations

import threading

import pytest
from django.core.mail.backends.locmem import EmailBackend

from tests.factories import make_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing strength is Django's concern; these tests log in often."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def other_user(db):
    return make_user(email="bo@example.com")


class HeldMail(EmailBackend):
    """The test mail backend, holding each mail until the test lets it go."""

    release = threading.Event()

    def send_messages(self, messages):
        assert self.release.wait(timeout=10), "the mail was never let go"
        return super().send_messages(messages)


@pytest.fixture
def held_mail(settings):
    """Mail is held back until the test sets the event this gives (or for ten seconds)."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.HeldMail"}}
    HeldMail.release.clear()
    yield HeldMail.release
    HeldMail.release.set()
