"""Actions as the rest of the bot sees them: plain values, detached from the database."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.catalog import ActionSource, ActionType
from bot.domain.statuses import Status

_SHORT_ID = re.compile(r"^A-(\d{1,18})$", re.IGNORECASE)


def short_id_of(pk: int) -> str:
    """The bot's own id of an action, easy to type: A-1042."""
    return f"A-{pk}"


def pk_from_short_id(text: str) -> int | None:
    match = _SHORT_ID.match(text.strip())
    return int(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class CardRef:
    """An action named by a button or a modal of the bot's own: by its row, and nothing else.

    The value is the short id the bot wrote into the element. It is never looked up as an
    upstream id, so an ingested action whose id looks like a short id ("A-2") cannot redirect
    another action's button to itself. A value the bot did not write names no action."""

    value: str

    @property
    def pk(self) -> int | None:
        """The row, when the value is exactly what `short_id_of` writes for it."""
        pk = pk_from_short_id(self.value)
        return pk if pk is not None and short_id_of(pk) == self.value else None

    def __str__(self) -> str:
        return self.value


ActionRef = str | CardRef
"""How an action is named: typed by a person or sent by another system (the upstream id, matched
first, or the short id), or by one of the bot's own buttons (a CardRef)."""


@dataclass(frozen=True, slots=True)
class ActionRecord:
    pk: int
    upstream_id: str
    type: ActionType
    source: ActionSource
    status: Status
    created_at: datetime
    updated_at: datetime
    target: Mapping[str, str]
    investigation_id: str | None = None
    requested_by: str | None = None
    details: Mapping[str, Any] | None = None
    decided_by: str | None = None
    decided_by_email: str | None = None
    decided_at: datetime | None = None
    comment: str | None = None
    status_detail: str | None = None
    slack_channel: str | None = None
    slack_ts: str | None = None
    undo_of_pk: int | None = None

    @property
    def short_id(self) -> str:
        return short_id_of(self.pk)

    @property
    def target_summary(self) -> str:
        """The one line that says what the action acts on."""
        t = self.target
        parts = [
            t.get("device_name") or t.get("machine_id"),
            t.get("file_path") or t.get("sha1"),
            t.get("recipient") or t.get("mailbox"),
            t.get("subject"),
            t.get("url"),
        ]
        return " · ".join(p for p in parts if p) or "(no target)"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    kind: str
    actor: str | None
    actor_email: str | None
    roles: tuple[str, ...]
    status_before: str | None
    status_after: str | None
    reason: str | None
