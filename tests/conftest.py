from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from onboarding.accounts.mail import wait_for_mail
from onboarding.accounts.models import User
from onboarding.guides.selectors import forget_structures
from onboarding.journeys.selectors import forget_converters
from tests.browser_like_client import BrowserLikeClient
from tests.factories import copy_of_alipay


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a database file, as the portal does, not Django's in-memory default.

    The live server answers requests in threads at once (Lighthouse's two presets, htmx beside a
    page load). An in-memory database is one connection those threads would share, which SQLite
    refuses under concurrent use ("bad parameter or other API misuse"); a file gives each thread
    its own connection, and lets the race tests race on SQLite too.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture
def client():
    """A test client that sends forms URL-encoded, as browsers do (see browser_like_client.py)."""
    return BrowserLikeClient()


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
    _empty_caches()
    yield
    # Mail a test started is sent before the next test starts, so no outbox gets another's.
    wait_for_mail()
    _empty_caches()


def _empty_caches() -> None:
    caches["default"].clear()
    forget_structures()
    forget_converters()
    # The limits cache is a database table without Redis: emptied by the test's rollback.
    if "redis" in caches["limits"].__class__.__module__:
        caches["limits"].clear()


@pytest.fixture
def alipay(db):
    """The shipped Alipay guide, as `make run` seeds it (seeded once, then copied)."""
    return copy_of_alipay()


@pytest.fixture
def steps(alipay):
    """The Alipay guide's steps by slug."""
    return {
        step.slug: step for step in alipay.steps.prefetch_related("checklist_items", "problems")
    }


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
    client = BrowserLikeClient()
    client.force_login(editor)
    return client


# --- Hypothesis: settings profiles and a count of generated cases --------------------------------
# HYPOTHESIS_PROFILE=ci (the default) keeps the whole suite near two minutes while generating over
# 10,000 cases; `make fuzz` runs "nightly", ten times larger and freshly random each run.
# Fuzz tests share one database and client across their examples on purpose (the journey is set
# up once per test), hence the function-scoped fixture check is off; time is CPU-bound and noisy
# on shared machines, hence no per-example deadline.
_FUZZ_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
hypothesis_settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, suppress_health_check=_FUZZ_HEALTH
)
hypothesis_settings.register_profile(
    "nightly", max_examples=1000, deadline=None, suppress_health_check=_FUZZ_HEALTH
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class CaseCounter:
    """Counts the examples the fuzz tests ran, for the summary at the end of the run."""

    count = 0

    def __call__(self) -> None:
        CaseCounter.count += 1


@pytest.fixture(scope="session")
def count_case() -> CaseCounter:
    """Call once per generated example."""
    return CaseCounter()


def pytest_terminal_summary(terminalreporter) -> None:
    if CaseCounter.count:
        profile = hypothesis_settings.get_current_profile_name()
        terminalreporter.write_line(
            f"hypothesis: {CaseCounter.count} generated cases (profile {profile})"
        )
