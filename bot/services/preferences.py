"""A Slack user's own column choice for listings and exports, kept across restarts."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.clock import utcnow
from bot.domain.columns import Column, stored_columns
from storage.db import Database
from storage.repositories import PreferenceRepository


def columns_of(db: Database, user_id: str) -> tuple[Column, ...]:
    with db.read() as session:
        return stored_columns(PreferenceRepository(session).columns_of(user_id))


def choose_columns(
    db: Database, user_id: str, columns: Sequence[Column] | None
) -> tuple[Column, ...]:
    """Keep the user's choice (None: back to the default); returns the columns now in use."""
    with db.write() as session:
        stored = None if columns is None else [c.value for c in columns]
        PreferenceRepository(session).set_columns(user_id, stored, utcnow())
    return stored_columns(stored)
