"""The columns of listings and exports, as in the Action center's "Customize columns".

A user's choice is a domain value (the command grammar validates it), so it lives here; how each
column is written out (CSV cells, Slack text) belongs to the views.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from bot.domain.catalog import UnknownName, lookup


class Column(StrEnum):
    ID = "id"
    TYPE = "type"
    SOURCE = "source"
    STATUS = "status"
    TARGET = "target"
    INVESTIGATION = "investigation"
    CREATED = "created"
    DECIDED_BY = "decided-by"
    DECIDED_AT = "decided-at"
    COMMENT = "comment"


DEFAULT_COLUMNS: tuple[Column, ...] = tuple(Column)


def parse_columns(names: Sequence[str]) -> list[Column]:
    """Columns by name, in the order given, each once; raises UnknownName for a bad one."""
    chosen = [lookup(Column, name, "column") for name in names]
    if not chosen:
        raise UnknownName("column", "", [c.value for c in Column])
    return list(dict.fromkeys(chosen))


def stored_columns(names: Sequence[str] | None) -> tuple[Column, ...]:
    """A stored choice read back: names that no longer exist are skipped; nothing left (or no
    choice at all) means the default."""
    known = {c.value: c for c in Column}
    chosen = tuple(dict.fromkeys(known[n] for n in names or () if n in known))
    return chosen or DEFAULT_COLUMNS
