"""The one place the bot asks what time it is (UTC, time-zone aware)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
