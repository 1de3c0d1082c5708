"""Driving `/actions` as Slack does: signed slash-command forms (the shape of Slack's own, see
../shared/slack/bolt-python-tests/slash_command.form.txt) and block_actions clicks sent to the
running bot; replies read from the HTTP response and from the response_url at the stand-in."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from bot.domain.clock import utcnow
from bot.domain.incoming import parse_document
from bot.domain.roles import Role
from bot.services import roles as role_service
from bot.services.ingest import ingest
from storage.db import Database
from tests.support.running_bot import BotUnderTest, HttpAnswer
from tests.support.slack_api import TEAM_ID, SlackApiStandIn

_responses = itertools.count(1)

ANN = "U0ANN00001"
"""A Security Reader: may view."""


def person(slack_api: SlackApiStandIn, db: Database, user_id: str, *roles: Role) -> str:
    """A Slack user with an email in their profile and these roles granted locally."""
    email = f"{user_id.lower()}@example.com"
    slack_api.people[user_id] = email
    if roles:
        role_service.grant(db, email, roles, actor="test")
    return user_id


def send_command(
    bot: BotUnderTest,
    slack_api: SlackApiStandIn,
    text: str,
    *,
    user: str = ANN,
    team: str = TEAM_ID,
) -> tuple[HttpAnswer, str]:
    """POST `/actions TEXT`; returns the HTTP answer and the response_url name it carries."""
    name = f"cmd{next(_responses)}"
    fields = {
        "token": "verification_token",
        "team_id": team,
        "team_domain": "example",
        "channel_id": "C0GENERAL1",
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/actions",
        "text": text,
        "api_app_id": "A0ACTIONB0T",
        "response_url": slack_api.response_url(name),
        "trigger_id": "111.222.xxx",
    }
    return bot.send_command(fields), name


def click(
    bot: BotUnderTest,
    slack_api: SlackApiStandIn,
    button: dict[str, Any],
    *,
    user: str = ANN,
    team: str = TEAM_ID,
) -> tuple[HttpAnswer, str]:
    """Click a button of an ephemeral message, as Slack's block_actions payload says it."""
    name = f"click{next(_responses)}"
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
        "api_app_id": "A0ACTIONB0T",
        "token": "verification_token",
        "container": {
            "type": "message",
            "message_ts": "111.222",
            "channel_id": "C0GENERAL1",
            "is_ephemeral": True,
        },
        "trigger_id": "111.222.valid",
        "team": {"id": team, "domain": "example"},
        "channel": {"id": "C0GENERAL1", "name": "general"},
        "response_url": slack_api.response_url(name),
        "actions": [
            {
                "action_id": button["action_id"],
                "block_id": "b",
                "text": button["text"],
                "value": button.get("value", ""),
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return bot.send_interaction(payload), name


def responses(
    slack_api: SlackApiStandIn, name: str, count: int = 1, timeout: float = 15
) -> list[dict[str, Any]]:
    """The messages posted to response_url `name`, once `count` have arrived."""
    deadline = time.monotonic() + timeout
    while True:
        found = [
            c.params
            for c in slack_api.calls_to("response_url")
            if c.params.get("_response_url") == f"/response/{name}"
        ]
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {count} response(s) to {name}; got {found}")
        time.sleep(0.02)


def reply(slack_api: SlackApiStandIn, name: str) -> dict[str, Any]:
    return responses(slack_api, name)[0]


def ask(bot: BotUnderTest, slack_api: SlackApiStandIn, text: str, **who: str) -> dict[str, Any]:
    """Send `/actions TEXT` and return the (first) message posted to its response_url."""
    answer, name = send_command(bot, slack_api, text, **who)
    assert answer.status == 200, answer.body
    return reply(slack_api, name)


def text_of(message: dict[str, Any]) -> str:
    """Every piece of text of a message, its blocks included, as one string."""
    pieces = [str(message.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                pieces.append(str(node.get("text", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks", []))
    return "\n".join(pieces)


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The message's buttons by label."""
    found = {}
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            found[element["text"]["text"]] = element
    return found


def store(db: Database, records: Iterable[dict[str, Any]]) -> list[str]:
    """Ingest actions (the ingest format); returns their short ids in order."""
    result = ingest(db, parse_document(json.dumps(list(records))), actor="test")
    return result.short_ids


def at(moment: datetime) -> str:
    return moment.isoformat()


def finished(
    upstream_id: str,
    updated: datetime,
    *,
    status: str = "completed",
    type_: str = "isolate-device",
    source: str = "automated-device-action",
    device: str = "WS-0142",
    **extra: Any,
) -> dict[str, Any]:
    """An action imported with a final status reached at `updated`."""
    target = (
        {"device_name": device}
        if type_ != "soft-delete-email"
        else {
            "network_message_id": "nm-1",
            "recipient": "bob@example.com",
        }
    )
    return {
        "id": upstream_id,
        "type": type_,
        "source": source,
        "status": status,
        "created_at": at(updated - timedelta(hours=1)),
        "updated_at": at(updated),
        "target": target,
        **extra,
    }


def pending(upstream_id: str, created: datetime | None = None, **fields: Any) -> dict[str, Any]:
    record = {
        "id": upstream_id,
        "type": "isolate-device",
        "source": "automated-device-action",
        "created_at": at(created or utcnow()),
        "target": {"device_name": "WS-0142"},
    }
    record.update(fields)
    return record
