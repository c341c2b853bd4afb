"""Fixtures for the tests that start servers (serving.py)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection

from tests.web.serving import free_port, manage, production_env


@pytest.fixture
def database_url(request, tmp_path) -> str:
    """A database other processes can share: a SQLite file, or the suite's PostgreSQL one."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    request.getfixturevalue("transactional_db")
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def server_env(database_url, tmp_path) -> dict[str, str]:
    return production_env(database_url, tmp_path / "static", PORT=str(free_port()))


@pytest.fixture
def seeded_server_env(server_env) -> dict[str, str]:
    """The environment of a migrated database with the Alipay guide and collected static files."""
    manage("migrate", "--no-input", env=server_env)
    manage("seed_guides", env=server_env)
    manage("collectstatic", "--no-input", env=server_env)
    return server_env
