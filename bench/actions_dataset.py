"""A large SQLite database of actions for benchmarks, generated once into bench/.data/ and reused.

Rows are written with the sqlite3 module directly (executemany in big transactions): the ingest
path is not what is measured here, and a million rows through it would take minutes. The schema
comes from the real migration; values match what the repositories store (UTC wall times,
lower-cased device names). Deterministic: the same seed gives the same rows.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.domain.catalog import ActionSource, ActionType, Category
from storage.db import Database
from storage.migrate import upgrade

DATA = Path(__file__).resolve().parent / ".data"
SPAN = timedelta(days=200)
"""updated_at is spread over this span before generation time: most rows fall in 6 months."""
_FINAL = ["completed"] * 6 + ["failed", "rejected", "cancelled", "expired", "approved"]
_STAMP = "%Y-%m-%d %H:%M:%S.%f"


def dataset(rows: int) -> Path:
    """The path of a migrated SQLite database holding `rows` actions (made if missing)."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"actions-{rows}.db"
    if path.exists() and _count(path) == rows:
        return path
    path.unlink(missing_ok=True)
    started = time.monotonic()
    db = Database.from_url(f"sqlite:///{path}")
    upgrade(db.engine)
    db.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    columns = list(_row(0, datetime.now(UTC), random.Random(0)))
    sql = f"INSERT INTO actions ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    batch: list[tuple[Any, ...]] = []
    for row in _rows(rows):
        batch.append(tuple(row.values()))
        if len(batch) == 50_000:
            connection.executemany(sql, batch)
            connection.commit()
            batch.clear()
    connection.executemany(sql, batch)
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    print(f"generated {rows:,} actions in {time.monotonic() - started:.1f}s: {path}", flush=True)
    return path


def _count(path: Path) -> int:
    try:
        with sqlite3.connect(path) as connection:
            return int(connection.execute("SELECT count(*) FROM actions").fetchone()[0])
    except sqlite3.DatabaseError:
        return -1


def _rows(count: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(20261127)
    now = datetime.now(UTC)
    for pk in range(1, count + 1):
        yield _row(pk, now, rng)


_TYPES = list(ActionType)
_SOURCES = list(ActionSource)


def _row(pk: int, now: datetime, rng: random.Random) -> dict[str, Any]:
    action_type = _TYPES[rng.randrange(len(_TYPES))]
    pending = rng.random() < 0.01
    updated = now - SPAN * rng.random()
    created = updated - timedelta(minutes=rng.randrange(1, 600))
    status = "pending" if pending else rng.choice(_FINAL)
    device = f"WS-{rng.randrange(20000):05d}"
    if action_type.category is Category.DEVICE:
        target = {"device_name": device}
    else:
        target = {"network_message_id": f"nm-{pk}", "recipient": f"user{pk % 5000}@example.com"}
    decided = None if pending else updated.replace(tzinfo=None).strftime(_STAMP)
    return {
        "pk": pk,
        "upstream_id": f"bench-{pk}",
        "type": action_type.value,
        "source": _SOURCES[rng.randrange(len(_SOURCES))].value,
        "status": status,
        "created_at": created.replace(tzinfo=None).strftime(_STAMP),
        "updated_at": (created if pending else updated).replace(tzinfo=None).strftime(_STAMP),
        "ingested_at": created.replace(tzinfo=None).strftime(_STAMP),
        "target": json.dumps(target),
        "device_name": target.get("device_name", "").casefold() or None,
        "investigation_id": f"inv-{pk // 7}" if rng.random() < 0.3 else None,
        "decided_by": "U0BENCH001" if decided and status in ("approved", "rejected") else None,
        "decided_at": decided,
        "comment": "=looks fine, approved" if rng.random() < 0.05 else None,
        "post_state": "not-needed",
        "post_attempts": 0,
    }
