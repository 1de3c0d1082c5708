"""The real bot, started as `actionbot run` starts it (HTTP mode), on a loopback port, talking to
a Slack Web API stand-in. Tests send it Slack-signed requests over HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.run import RunningBot, start_bot
from bot.settings import Settings
from tests.support.signing import command_body, interaction_body, signed_headers
from tests.support.slack_api import SlackApiStandIn

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
INGEST_TOKEN = "ingest-test-token"
CHANNEL = "C0PENDING01"


@dataclass
class HttpAnswer:
    status: int
    body: bytes
    headers: Mapping[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


def bot_settings(database_url: str, slack: SlackApiStandIn, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "ACTIONBOT_DATABASE_URL": database_url,
        "ACTIONBOT_CHANNEL": CHANNEL,
        "ACTIONBOT_INGEST_TOKEN": INGEST_TOKEN,
        "ACTIONBOT_ROLE_CACHE_SECONDS": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


class BotUnderTest:
    def __init__(self, running: RunningBot) -> None:
        self.running = running
        self.url = running.server.url

    @property
    def db(self) -> Any:
        return self.running.runtime.context.db

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30,
    ) -> HttpAnswer:
        req = urllib.request.Request(
            self.url + path, data=body, method=method, headers=dict(headers or {})
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return HttpAnswer(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return HttpAnswer(error.code, error.read(), dict(error.headers))

    def send_interaction(
        self, payload: dict[str, Any], *, secret: str = SIGNING_SECRET, timestamp: int | None = None
    ) -> HttpAnswer:
        body = interaction_body(payload)
        return self.request(
            "POST", "/slack/events", body, signed_headers(secret, body, timestamp=timestamp)
        )

    def send_command(
        self, fields: dict[str, str], *, secret: str = SIGNING_SECRET, timestamp: int | None = None
    ) -> HttpAnswer:
        body = command_body(fields)
        return self.request(
            "POST", "/slack/events", body, signed_headers(secret, body, timestamp=timestamp)
        )

    def close(self) -> None:
        self.running.close()


def start_bot_under_test(settings: Settings, *, scheduler: bool = True) -> BotUnderTest:
    running = start_bot(settings, mode="http", host="127.0.0.1", port=0, scheduler=scheduler)
    running.server.start()
    return BotUnderTest(running)
