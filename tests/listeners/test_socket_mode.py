"""Socket Mode end to end: the real bot started as `actionbot run` starts it with SLACK_APP_TOKEN,
connected to a local Socket Mode stand-in (tests/support/socket_mode.py) that sends Slack's
envelopes and reads the acks, its Web API calls going to the Web API stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.ids import ActionId
from bot.run import start_bot
from storage.db import Database
from tests.listeners.clicks import button_click, reject_submission
from tests.listeners.helpers import (
    DEVICE,
    EMAIL,
    action,
    current,
    grant,
    posted_card,
    store,
    text_of,
    values_of,
)
from tests.support.databases import sqlite_database
from tests.support.running_bot import bot_settings
from tests.support.slack_api import TEAM_ID, SlackApiStandIn
from tests.support.socket_mode import SocketModeStandIn

ANN, BOB = "U0ANN00001", "U0BOB00002"
ACK_WINDOW = 3.0


class SocketBot:
    def __init__(self, db: Database, slack: SlackApiStandIn, socket: SocketModeStandIn) -> None:
        self.db, self.slack, self.socket = db, slack, socket


@pytest.fixture
def socket_bot(
    tmp_path: Path, sqlite_template: Path, slack_api: SlackApiStandIn
) -> Iterator[SocketBot]:
    """The bot in Socket Mode, on SQLite only: the transport is what these tests are about, and
    the database paths are the HTTP tests' (which run on both backends)."""
    database_url = sqlite_database(tmp_path, sqlite_template)
    socket = SocketModeStandIn().start()
    socket.serve_on(slack_api)
    settings = bot_settings(
        database_url,
        slack_api,
        SLACK_APP_TOKEN="xapp-1-A0ACTIONB0T-1-test",
        SLACK_SIGNING_SECRET="",
    )
    running = start_bot(settings, mode="socket", host="127.0.0.1", port=0, scheduler=True)
    running.server.start()
    socket.wait_for_connections(1)
    try:
        yield SocketBot(running.runtime.context.db, slack_api, socket)
    finally:
        running.close()
        socket.stop()


def _person(bot: SocketBot, user: str, *roles: Role) -> None:
    email = f"{user.lower()}@example.com"
    bot.slack.people[user] = email
    if roles:
        grant(bot.db, email, roles)


def _command(text: str, user: str, response_url: str) -> dict[str, Any]:
    """A slash_commands envelope's payload: the command's fields, as JSON."""
    return {
        "token": "verification_token",
        "team_id": TEAM_ID,
        "team_domain": "example",
        "channel_id": "C0GENERAL1",
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/actions",
        "text": text,
        "api_app_id": "A0ACTIONB0T",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "111.222.xxx",
    }


def test_an_approval_over_socket_mode_updates_the_card(socket_bot: SocketBot) -> None:
    (ref,) = store(socket_bot.db, action("up-1", DEVICE))
    card = posted_card(socket_bot.db, ref)
    _person(socket_bot, ANN, Role.SECURITY_ADMINISTRATOR)

    sent = socket_bot.socket.send("interactive", button_click(ActionId.APPROVE, ref, user=ANN))

    assert socket_bot.socket.ack_delay(sent) < ACK_WINDOW
    (update,) = socket_bot.slack.wait_for("chat.update")
    assert update.params["ts"] == card.slack_ts
    assert values_of(update) == []
    assert "was approved" in text_of(update)
    assert current(socket_bot.db, ref).status is Status.APPROVED


def test_a_refusal_over_socket_mode_names_the_missing_role(socket_bot: SocketBot) -> None:
    (ref,) = store(socket_bot.db, action("up-1", EMAIL))
    posted_card(socket_bot.db, ref)
    _person(socket_bot, ANN, Role.ACTIVE_REMEDIATION_ACTIONS)

    sent = socket_bot.socket.send("interactive", button_click(ActionId.APPROVE, ref, user=ANN))

    assert socket_bot.socket.ack_delay(sent) < ACK_WINDOW
    (reply,) = socket_bot.slack.wait_for("chat.postEphemeral")
    assert reply.params["user"] == ANN
    assert "Search and Purge" in reply.params["text"]
    assert socket_bot.slack.calls_to("chat.update") == []
    assert current(socket_bot.db, ref).status is Status.PENDING


def test_a_reject_reason_through_the_modal_over_socket_mode(socket_bot: SocketBot) -> None:
    (ref,) = store(socket_bot.db, action("up-1", DEVICE))
    posted_card(socket_bot.db, ref)
    _person(socket_bot, BOB, Role.SECURITY_ADMINISTRATOR)

    clicked = socket_bot.socket.send("interactive", button_click(ActionId.REJECT, ref, user=BOB))
    assert socket_bot.socket.ack_delay(clicked) < ACK_WINDOW
    (opened,) = socket_bot.slack.wait_for("views.open")
    assert opened.params["trigger_id"] == f"1337.{BOB}.trigger"

    empty = socket_bot.socket.send("interactive", reject_submission(ref, " ", user=BOB))
    ack = socket_bot.socket.wait_for_ack(empty)
    assert ack.payload["response_action"] == "errors"  # the modal stays open and says why
    submitted = socket_bot.socket.send(
        "interactive", reject_submission(ref, "Known admin tool", user=BOB)
    )
    assert socket_bot.socket.ack_delay(submitted) < ACK_WINDOW
    (update,) = socket_bot.slack.wait_for("chat.update")
    assert "Known admin tool" in text_of(update)
    rejected = current(socket_bot.db, ref)
    assert (rejected.status, rejected.comment) == (Status.REJECTED, "Known admin tool")


def test_actions_pending_over_socket_mode(socket_bot: SocketBot) -> None:
    refs = store(socket_bot.db, action("up-1", DEVICE), action("up-2", EMAIL))
    _person(socket_bot, ANN, Role.SECURITY_READER)

    sent = socket_bot.socket.send(
        "slash_commands",
        _command("pending", ANN, socket_bot.slack.response_url("pending")),
        accepts_response_payload=True,
    )

    assert socket_bot.socket.ack_delay(sent) < ACK_WINDOW
    (reply,) = socket_bot.slack.wait_for("response_url")
    said = json.dumps(reply.params)
    assert reply.params["response_type"] == "ephemeral"
    for ref in refs:
        assert ref in said


def test_after_slack_asks_for_a_refresh_an_envelope_on_the_new_connection_is_acked_in_time(
    socket_bot: SocketBot,
) -> None:
    (ref,) = store(socket_bot.db, action("up-1", DEVICE))
    posted_card(socket_bot.db, ref)
    _person(socket_bot, ANN, Role.SECURITY_ADMINISTRATOR)
    queued = socket_bot.socket.send_on_next_connection(
        "interactive", button_click(ActionId.APPROVE, ref, user=ANN)
    )

    socket_bot.socket.ask_to_refresh()

    socket_bot.socket.wait_for_connections(2)
    assert len(socket_bot.slack.calls_to("apps.connections.open")) >= 2
    assert socket_bot.socket.ack_delay(queued) < ACK_WINDOW
    socket_bot.slack.wait_for("chat.update")
    assert current(socket_bot.db, ref).status is Status.APPROVED
