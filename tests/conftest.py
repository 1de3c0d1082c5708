"""Shared fixtures. Every test that asks for `database_url` or `db` runs once per backend:
SQLite always, PostgreSQL when ACTIONBOT_TEST_POSTGRES_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import Database
from tests.support.databases import BACKENDS, postgres_database, postgres_name, sqlite_database
from tests.support.running_bot import BotUnderTest, bot_settings, start_bot_under_test
from tests.support.slack_api import SlackApiStandIn


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


@pytest.fixture
def slack_api() -> Iterator[SlackApiStandIn]:
    """A Slack Web API stand-in on a loopback port."""
    stand_in = SlackApiStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def bot(database_url: str, slack_api: SlackApiStandIn) -> Iterator[BotUnderTest]:
    """The real bot in HTTP mode on a loopback port, its Web API calls going to `slack_api`."""
    running = start_bot_under_test(bot_settings(database_url, slack_api))
    yield running
    running.close()
