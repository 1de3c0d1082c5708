"""Small helpers shared by the over-the-wire tests: storing actions, granting roles, waiting."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from bot.domain.incoming import parse_document
from bot.domain.records import ActionRecord, AuditEntry
from bot.domain.roles import Role
from bot.services import roles as role_service
from bot.services.ingest import ingest
from bot.services.query import details_of
from storage.db import Database
from tests.support.slack_api import Call

T = TypeVar("T")

DEVICE = {
    "type": "isolate-device",
    "source": "automated-device-action",
    "target": {"device_name": "WS-0142"},
    "investigation_id": "INV-7",
}
EMAIL = {
    "type": "soft-delete-email",
    "source": "automated-email-action",
    "target": {
        "network_message_id": "nmid-1",
        "recipient": "bob@example.com",
        "subject": "Invoice",
    },
}


def store(db: Database, *actions: dict[str, Any]) -> list[str]:
    """Ingest actions (dicts in the ingest format); returns their short ids."""
    document = parse_document(json.dumps(list(actions)))
    return ingest(db, document, actor="test").short_ids


def action(upstream_id: str, template: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"id": upstream_id, **template, **changes}


def grant(db: Database, who: str, roles: Iterable[Role]) -> None:
    roles = list(roles)
    if roles:
        role_service.grant(db, who, roles, actor="test")


def current(db: Database, ref: str) -> ActionRecord:
    found = details_of(db, ref)
    assert found is not None, ref
    return found.action


def trail(db: Database, ref: str) -> list[AuditEntry]:
    found = details_of(db, ref)
    assert found is not None, ref
    return found.trail


def wait_until(check: Callable[[], T | None], timeout: float = 10.0, what: str = "it") -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout}s for {what}")
        time.sleep(0.02)


def posted_card(db: Database, ref: str, timeout: float = 10.0) -> ActionRecord:
    """Wait until the action's card is posted and recorded; returns the action."""

    def recorded() -> ActionRecord | None:
        found = current(db, ref)
        return found if found.slack_ts else None

    return wait_until(recorded, timeout, f"the card of {ref}")


def values_of(call: Call) -> list[str]:
    """The button values of a chat.postMessage / chat.update call's blocks."""
    blocks = call.params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [
        element.get("value", "")
        for block in blocks or []
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    ]


def blocks_of(call: Call) -> list[dict[str, Any]]:
    blocks = call.params.get("blocks")
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks or [])


def text_of(call: Call) -> str:
    """Every text of a message call, joined: its fallback text and each block's texts."""
    text = str(call.params.get("text", ""))
    return text + "\n" + json.dumps(blocks_of(call), ensure_ascii=False)
