"""History windows: the past day, week, month or six months, as in the Action center."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.catalog import UnknownName


class Window(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    SIX_MONTHS = "6months"

    @property
    def length(self) -> timedelta:
        return _LENGTHS[self]

    def start(self, now: datetime) -> datetime:
        """The earliest moment inside the window ending at `now` (inclusive)."""
        return now - self.length


_LENGTHS = {
    Window.DAY: timedelta(days=1),
    Window.WEEK: timedelta(days=7),
    Window.MONTH: timedelta(days=30),
    Window.SIX_MONTHS: timedelta(days=180),
}
_ALIASES = {"24h": Window.DAY, "7d": Window.WEEK, "30d": Window.MONTH, "180d": Window.SIX_MONTHS}

DEFAULT_WINDOW = Window.WEEK


def parse_window(text: str) -> Window:
    wanted = text.strip().casefold()
    if wanted in _ALIASES:
        return _ALIASES[wanted]
    try:
        return Window(wanted)
    except ValueError:
        choices = [w.value for w in Window]
        raise UnknownName("window", text, choices) from None
