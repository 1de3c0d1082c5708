"""Listings and details: one query path for the slash command, the CLI and export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import utcnow
from bot.domain.records import ActionRecord, AuditEntry
from bot.domain.selection import Selection
from storage.db import Database
from storage.repositories import ActionRepository, AuditRepository


@dataclass(frozen=True)
class Page:
    rows: list[ActionRecord]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total


def page_of(
    db: Database,
    selection: Selection,
    *,
    limit: int,
    offset: int = 0,
    now: datetime | None = None,
    with_total: bool = True,
) -> Page:
    now = now or utcnow()
    with db.read() as session:
        actions = ActionRepository(session)
        rows = actions.page(selection, now, limit=limit, offset=offset)
        total = actions.count(selection, now) if with_total else offset + len(rows)
    return Page(rows, total, offset, limit)


def every_row(
    db: Database, selection: Selection, *, now: datetime | None = None
) -> Iterator[ActionRecord]:
    """Every selected action in listing order, streamed from one read transaction."""
    now = now or utcnow()
    with db.read() as session:
        yield from ActionRepository(session).stream(selection, now)


@dataclass(frozen=True)
class Details:
    action: ActionRecord
    trail: list[AuditEntry]


def details_of(db: Database, ref: str) -> Details | None:
    with db.read() as session:
        action = ActionRepository(session).find(ref)
        if action is None:
            return None
        return Details(action, AuditRepository(session).trail(action.pk))
