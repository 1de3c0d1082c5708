"""Listings as text for the command line: an aligned table, CSV, or JSON, streamed row by row."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from bot.domain.records import ActionRecord
from bot.views.columns import Column, cell, iso

CLI_COLUMNS: tuple[Column, ...] = tuple(Column)


def action_json(action: ActionRecord) -> dict[str, Any]:
    """The JSON form of an action (CONTRACT.md §3): upstream id, short id, keys, ISO times."""
    return {
        "id": action.upstream_id,
        "short_id": action.short_id,
        "type": action.type.value,
        "source": action.source.value,
        "status": action.status.value,
        "created_at": iso(action.created_at),
        "updated_at": iso(action.updated_at),
        "decided_by": action.decided_by_email or action.decided_by,
        "decided_at": iso(action.decided_at) or None,
        "comment": action.comment,
        "target": dict(action.target),
        "investigation_id": action.investigation_id,
        "requested_by": action.requested_by,
        "status_detail": action.status_detail,
    }


def write_json(rows: Iterable[ActionRecord], out: TextIO) -> int:
    count = 0
    out.write("[")
    for action in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(action_json(action), ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def csv_rows(rows: Iterable[ActionRecord], columns: Sequence[Column]) -> Iterator[list[str]]:
    yield [c.value for c in columns]
    for action in rows:
        yield [_safe_csv(cell(action, c)) for c in columns]


def _safe_csv(value: str) -> str:
    """Defuse spreadsheet formulas: a cell that starts with = + - @ is prefixed with a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(
    rows: Iterable[ActionRecord], out: TextIO, columns: Sequence[Column] = CLI_COLUMNS
) -> int:
    writer = csv.writer(out, lineterminator="\n")
    count = -1
    for count, line in enumerate(csv_rows(rows, columns)):  # noqa: B007
        writer.writerow(line)
    return count


def write_table(
    rows: Iterable[ActionRecord],
    out: TextIO,
    columns: Sequence[Column] = CLI_COLUMNS,
    width: int = 40,
) -> int:
    """An aligned table. Reads every row first to size the columns; cells are cut at `width`."""
    lines = [[_cut(cell(a, c), width) for c in columns] for a in rows]
    header = [c.value.upper() for c in columns]
    sizes = [max(len(v) for v in col) for col in zip(header, *lines, strict=False)]
    for line in [header, *lines]:
        out.write("  ".join(v.ljust(s) for v, s in zip(line, sizes, strict=True)).rstrip() + "\n")
    if not lines:
        out.write("(no actions)\n")
    return len(lines)


def _cut(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"
