"""Shared fixtures. Every test that asks for `database_url` or `db` runs once per backend:
SQLite always, PostgreSQL when ACTIONBOT_TEST_POSTGRES_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import Database
from tests.support.databases import BACKENDS, postgres_database, postgres_name, sqlite_database


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("template") / "migrated.db"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database of the backend this test instance runs on."""
    if request.param == "sqlite":
        return sqlite_database(tmp_path, sqlite_template)
    return postgres_database(postgres_name())


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.from_url(database_url)
    yield database
    database.dispose()
