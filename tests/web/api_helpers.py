"""Calling the ingest API of a running bot the way a SOAR would: JSON over HTTP with a token."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select, text

from storage.repositories import ACTIONS, AUDIT
from tests.support.running_bot import INGEST_TOKEN, BotUnderTest, HttpAnswer

AUTH = {"Authorization": f"Bearer {INGEST_TOKEN}"}
JSON = {"Content-Type": "application/json"}


def device_action(upstream_id: Any, **fields: Any) -> dict[str, Any]:
    action: dict[str, Any] = {
        "id": upstream_id,
        "type": "isolate-device",
        "source": "automated-device-action",
        "created_at": "2026-11-27T08:00:00Z",
        "target": {"device_name": "WS-0142"},
    }
    action.update(fields)
    return action


def post_json(
    bot: BotUnderTest, path: str, payload: Any, headers: dict[str, str] | None = None
) -> HttpAnswer:
    body = json.dumps(payload).encode()
    return bot.request("POST", path, body, {**AUTH, **JSON, **(headers or {})})


def send(bot: BotUnderTest, payload: Any) -> HttpAnswer:
    return post_json(bot, "/api/v1/actions", payload)


def report(bot: BotUnderTest, ref: str, status: str, detail: str | None = None) -> HttpAnswer:
    body: dict[str, Any] = {"status": status}
    if detail is not None:
        body["detail"] = detail
    return post_json(bot, f"/api/v1/actions/{ref}/status", body)


def count_actions(bot: BotUnderTest) -> int:
    with bot.db.read() as session:
        return int(session.execute(select(func.count()).select_from(ACTIONS)).scalar_one())


def audit_kinds(bot: BotUnderTest) -> list[str]:
    with bot.db.read() as session:
        return list(session.execute(select(AUDIT.c.kind).order_by(AUDIT.c.pk)).scalars())


def mark_posted(bot: BotUnderTest, short_id: str) -> None:
    """What the poster does once a card is in the channel (the poster is another feature's)."""
    pk = int(short_id.removeprefix("A-"))
    with bot.db.write() as session:
        session.execute(
            text(
                "UPDATE actions SET post_state = 'posted', slack_channel = 'C0PENDING01', "
                "slack_ts = '1700000000.000100' WHERE pk = :pk"
            ),
            {"pk": pk},
        )


def post_state(bot: BotUnderTest, short_id: str) -> str:
    pk = int(short_id.removeprefix("A-"))
    with bot.db.read() as session:
        return str(
            session.execute(select(ACTIONS.c.post_state).where(ACTIONS.c.pk == pk)).scalar_one()
        )
