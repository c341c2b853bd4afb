from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from onboarding.accounts.models import User
from tests.factories import seed_alipay


@pytest.fixture(autouse=True)
def _plain_test_settings(settings):
    """Plain HTTP and unhashed static files: the test client speaks HTTP, and no collectstatic."""
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Serve static files from the source folders, as in development.
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alipay(db):
    """The shipped Alipay guide, seeded as `make run` seeds it."""
    return seed_alipay()


@pytest.fixture
def steps(alipay):
    """The Alipay guide's steps by slug."""
    return {step.slug: step for step in alipay.steps.prefetch_related("checklist_items")}


@pytest.fixture
def editor(db):
    """A member of staff in the Editors group (created by migration), not a superuser."""
    # No password: tests log in with force_login, and hashing one is slow.
    user = User.objects.create_user("editor@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(editor):
    """A test client of its own, logged in as an editor (`client` stays an anonymous visitor)."""
    client = Client()
    client.force_login(editor)
    return client
