"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A time-zone-aware datetime stored in UTC; naive datetimes are refused.

    PostgreSQL keeps it as timestamptz. SQLite has no time zones, so it keeps the UTC wall time and
    the zone is put back on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must carry a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    # On SQLite, bulk ingest writes and listings read hundreds of thousands of these: convert
    # straight between aware datetimes and SQLite's text, in the exact format SQLAlchemy's
    # DateTime uses ("2026-11-27 08:00:00.000000", always with microseconds, so that text order
    # is time order), rather than through DateTime's generic processors and then this class's.

    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return _to_sqlite
        return super().bind_processor(dialect)

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        if dialect.name == "sqlite":
            return _from_sqlite
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _to_sqlite(value: datetime | None) -> str | None:
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"naive datetime {value!r}: timestamps must carry a time zone")
    # The UTC wall time: shifting by the offset is cheaper than astimezone(); the offset that
    # isoformat() still appends is cut off.
    return (value - offset if offset else value).isoformat(sep=" ", timespec="microseconds")[:26]


def _from_sqlite(value: str | None) -> datetime | None:
    # Appending the offset is several times faster than .replace(tzinfo=UTC) on the result.
    return None if value is None else datetime.fromisoformat(value + "+00:00")
