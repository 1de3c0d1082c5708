"""The HTTP server that `actionbot run` starts: health and Slack's signature check."""

from __future__ import annotations

import json
import time

from tests.support.running_bot import BotUnderTest


def test_health_says_ok_while_the_database_answers(bot: BotUnderTest) -> None:
    answer = bot.request("GET", "/healthz")
    assert answer.status == 200
    assert answer.json() == {"status": "ok"}


def test_unknown_path_is_404_and_wrong_method_is_405(bot: BotUnderTest) -> None:
    assert bot.request("GET", "/nope").status == 404
    answer = bot.request("POST", "/healthz", b"")
    assert answer.status == 405
    assert answer.headers["Allow"] == "GET"


def test_slack_request_with_a_forged_signature_is_401(bot: BotUnderTest) -> None:
    payload = {"type": "url_verification", "challenge": "abc", "token": "x"}
    body = json.dumps(payload).encode()
    answer = bot.request(
        "POST",
        "/slack/events",
        body,
        {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
    )
    assert answer.status == 401
