"""Which actions a listing shows: the Pending tab, or the History tab with a window and filters.

One selection serves `/actions`, `actionbot history|pending` and export, so they always agree.
History lists actions that are no longer pending and whose latest status change falls in the
window, newest first; pending lists the pending ones, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.catalog import ActionSource, ActionType
from bot.domain.statuses import Status
from bot.domain.windows import DEFAULT_WINDOW, Window


@dataclass(frozen=True)
class Selection:
    pending: bool = False
    window: Window = DEFAULT_WINDOW
    sources: frozenset[ActionSource] = field(default_factory=frozenset)
    types: frozenset[ActionType] = field(default_factory=frozenset)
    statuses: frozenset[Status] = field(default_factory=frozenset)
    devices: frozenset[str] = field(default_factory=frozenset)
    """Device names, lower-cased; matched exactly (case-insensitive)."""

    def since(self, now: datetime) -> datetime | None:
        return None if self.pending else self.window.start(now)
