"""A click acked by a bot that dies before deciding it is answered by the bot that starts next:
the first bot is a real `actionbot run` process, killed while users.info hangs; the second runs
beside the test. Both talk to the Web API stand-in; the click is a signed request over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.ids import ActionId
from storage.db import Database
from tests.listeners.clicks import button_click
from tests.listeners.helpers import DEVICE, action, current, grant, store, trail, wait_until
from tests.support.databases import sqlite_database
from tests.support.running_bot import (
    BOT_TOKEN,
    CHANNEL,
    SIGNING_SECRET,
    bot_settings,
    start_bot_under_test,
)
from tests.support.signing import interaction_body, signed_headers
from tests.support.slack_api import SlackApiStandIn

ROOT = Path(__file__).resolve().parents[2]
ANN = "U0ANN00001"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def test_a_click_acked_just_before_the_bot_died_is_decided_after_the_restart(
    tmp_path: Path, sqlite_template: Path, slack_api: SlackApiStandIn
) -> None:
    url = sqlite_database(tmp_path, sqlite_template)
    db = Database.from_url(url)
    (ref,) = store(db, action("up-1", DEVICE))
    email = f"{ANN.lower()}@example.com"
    slack_api.people[ANN] = email
    grant(db, email, [Role.SECURITY_ADMINISTRATOR])
    slack_api.slow_people[ANN] = 60  # the first bot never learns who clicked
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIONBOT_"))},
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api.api_url,
        "ACTIONBOT_DATABASE_URL": url,
        "ACTIONBOT_CHANNEL": CHANNEL,
        "ACTIONBOT_SLACK_TIMEOUT": "1",
        "ACTIONBOT_ROLE_CACHE_SECONDS": "0",
    }
    first = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--mode", "http", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        wait_until(lambda: current(db, ref).slack_ts, timeout=20, what="the card")
        body = interaction_body(button_click(ActionId.APPROVE, ref, user=ANN))
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/slack/events",
            data=body,
            headers=signed_headers(SIGNING_SECRET, body),
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200  # acked
        slack_api.wait_for("users.info")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert current(db, ref).status is Status.PENDING
    del slack_api.slow_people[ANN]

    second = start_bot_under_test(
        bot_settings(url, slack_api, ACTIONBOT_SLACK_TIMEOUT=1, ACTIONBOT_ROLE_CACHE_SECONDS=0)
    )
    try:
        told = wait_until(
            lambda: next(
                (c for c in slack_api.calls_to("chat.postEphemeral") if c.params["user"] == ANN),
                None,
            ),
            timeout=60,
            what="the clicker to be told",
        )
    finally:
        second.close()
    assert "has now been applied" in told.params["text"]
    assert ref in told.params["text"]
    decided = current(db, ref)
    assert (decided.status, decided.decided_by) == (Status.APPROVED, ANN)
    assert slack_api.calls_to("chat.update")
    kinds = [entry.kind for entry in trail(db, ref)]
    assert "click-resumed" in kinds
    assert "approved" in kinds
    db.dispose()
