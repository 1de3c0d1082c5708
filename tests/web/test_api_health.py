"""GET /healthz and the ingest API while the database does not answer: 503, and no secret shown."""

from __future__ import annotations

import json
import logging
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.web import api, health
from bot.web.http import Router
from bot.web.server import HttpServer
from storage.db import Database
from tests.support.running_bot import INGEST_TOKEN, BotUnderTest
from tests.web.api_helpers import AUTH, JSON, device_action

PASSWORD = "pw-that-must-not-leak"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """The health and API routes of a Database, served over HTTP like the bot serves them."""

    def __init__(self, db: Database) -> None:
        routes = [*health.routes(db), *api.routes(db, SecretStr(INGEST_TOKEN))]
        self.server = HttpServer(Router(routes), "127.0.0.1", 0).start()
        self.db = db

    def request(
        self, method: str, path: str, body: bytes | None = None
    ) -> tuple[int, str, dict[str, str]]:
        req = urllib.request.Request(
            self.server.url + path, data=body, method=method, headers={**AUTH, **JSON}
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture(
    params=[
        f"postgresql://actionbot:{PASSWORD}@127.0.0.1:{closed_port()}/actionbot",
        "sqlite:////nonexistent-directory/actionbot.db",
    ],
    ids=["postgresql-closed-port", "sqlite-missing-directory"],
)
def unreachable(request: pytest.FixtureRequest) -> Iterator[Served]:
    served = Served(Database.from_url(request.param))
    yield served
    served.server.close()
    served.db.dispose()


def test_health_is_503_when_the_database_does_not_answer(
    unreachable: Served, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        status, body, _ = unreachable.request("GET", "/healthz")
    assert status == 503
    assert json.loads(body)["status"] == "unavailable"
    assert PASSWORD not in body
    assert PASSWORD not in caplog.text


def test_the_api_is_503_with_retry_after_when_the_database_does_not_answer(
    unreachable: Served, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        status, body, headers = unreachable.request(
            "POST", "/api/v1/actions", json.dumps(device_action("x")).encode()
        )
        report_status, report_body, _ = unreachable.request(
            "POST", "/api/v1/actions/x/status", b'{"status": "completed"}'
        )
    assert (status, report_status) == (503, 503)
    assert headers["Retry-After"] == "5"
    assert "try again" in json.loads(body)["error"]
    for shown in (body, report_body, caplog.text):
        assert PASSWORD not in shown
        assert "Traceback" not in shown
    assert "POST /api/v1/actions 503 database down" in caplog.text


def test_health_of_a_running_bot_turns_503_when_its_postgresql_database_goes_away(
    bot: BotUnderTest, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("drops a PostgreSQL database")
    assert bot.request("GET", "/healthz").status == 200
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
    admin.dispose()  # the next test that needs it creates it again

    answer = bot.request("GET", "/healthz")
    assert answer.status == 503
    ingest = bot.request(
        "POST", "/api/v1/actions", json.dumps(device_action("x")).encode(), {**AUTH, **JSON}
    )
    assert ingest.status == 503
    for shown in (answer.body, ingest.body):
        assert (url.password or "never-empty").encode() not in shown
        assert b"Traceback" not in shown


def test_health_is_200_again_on_a_working_sqlite_file(tmp_path: Path) -> None:
    served = Served(Database.from_url(f"sqlite:///{tmp_path / 'fresh.db'}"))
    try:
        assert served.request("GET", "/healthz")[0] == 200
    finally:
        served.server.close()
        served.db.dispose()
