"""Paging through listings: a page of rows, and what a Next/Previous button carries: the
selection, the moment the listing was made, and the offset of the page to show. The button grants
nothing: the clicker is resolved and authorized again at the click.

The moment is pinned so that paging walks one consistent list: an action decided after the first
page was shown does not shift the rows of the next one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.domain.catalog import ActionSource, ActionType
from bot.domain.columns import Column
from bot.domain.records import ActionRecord
from bot.domain.selection import Selection
from bot.domain.statuses import Status
from bot.domain.windows import Window

MAX_TOKEN = 2000
"""Slack's limit on a button's value."""
TOTAL_CAP = 10_000
"""A listing's total is counted up to this many actions (or the end of the page shown, if further)
and shown as "more than 10,000" beyond: a full count of six months of millions of actions is most
of a history reply's time (bench/scale.py), and nobody pages through ten thousand rows."""


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing as a user sees it: rows in their columns, out of `total`."""

    rows: list[ActionRecord]
    total: int
    offset: int
    limit: int
    columns: tuple[Column, ...]
    selection: Selection
    as_of: datetime
    more_than_total: bool = False
    """The listing holds more than `total` actions: counting stopped there (TOTAL_CAP)."""

    @property
    def has_next(self) -> bool:
        return self.more_than_total or self.offset + len(self.rows) < self.total


@dataclass(frozen=True)
class PageRequest:
    selection: Selection
    as_of: datetime
    offset: int


def encode_page(request: PageRequest) -> str | None:
    """The button value for this page; None when it would not fit in a button."""
    s = request.selection
    token = json.dumps(
        {
            "p": int(s.pending),
            "w": s.window.value,
            "s": sorted(v.value for v in s.sources),
            "t": sorted(v.value for v in s.types),
            "st": sorted(v.value for v in s.statuses),
            "d": sorted(s.devices),
            "at": request.as_of.astimezone(UTC).isoformat(),
            "o": request.offset,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return token if len(token) <= MAX_TOKEN else None


def decode_page(value: str) -> PageRequest | None:
    """The page a button asks for; None for anything that is not a token of ours."""
    try:
        raw: Any = json.loads(value)
        selection = Selection(
            pending=bool(raw["p"]),
            window=Window(raw["w"]),
            sources=frozenset(ActionSource(v) for v in raw["s"]),
            types=frozenset(ActionType(v) for v in raw["t"]),
            statuses=frozenset(Status(v) for v in raw["st"]),
            devices=frozenset(str(v).casefold() for v in raw["d"]),
        )
        offset = int(raw["o"])
        as_of = datetime.fromisoformat(str(raw["at"]))
    except (ValueError, TypeError, KeyError, OverflowError, OSError):
        return None
    if offset < 0 or as_of.tzinfo is None:
        return None
    return PageRequest(selection, as_of, offset)
