"""The columns of listings and exports, as in the Action center's "Customize columns"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.domain.columns import DEFAULT_COLUMNS, Column, parse_columns
from bot.domain.records import ActionRecord

__all__ = ["DEFAULT_COLUMNS", "Column", "cell", "iso", "parse_columns"]


def iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat().replace("+00:00", "Z")


_CELLS: dict[Column, Callable[[ActionRecord], str]] = {
    Column.ID: lambda a: a.short_id,
    Column.TYPE: lambda a: a.type.value,
    Column.SOURCE: lambda a: a.source.value,
    Column.STATUS: lambda a: a.status.value,
    Column.TARGET: lambda a: a.target_summary,
    Column.INVESTIGATION: lambda a: a.investigation_id or "",
    Column.CREATED: lambda a: iso(a.created_at),
    Column.DECIDED_BY: lambda a: a.decided_by_email or a.decided_by or "",
    Column.DECIDED_AT: lambda a: iso(a.decided_at),
    Column.COMMENT: lambda a: a.comment or "",
}


def cell(action: ActionRecord, column: Column) -> str:
    return _CELLS[column](action)
