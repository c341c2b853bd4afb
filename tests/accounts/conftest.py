from __future__ import annotations

import pytest

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
