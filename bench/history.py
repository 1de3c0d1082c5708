"""History benchmark: the 6-months history of one source, first page, among 1,000,000 actions.

    python -m bench.history [--rows N] [--runs N]

Builds bench/.data/history-<N>.db once (SQLite, the real schema, actions spread over 180 days and
all 8 sources) and reuses it while its row count is right. Times the real code path
(bot.services.query.page_of) against a hand-written SQL query for the same page on the same file.
Goals (issue 2): median at most 20 ms, and at most 1.5x the hand-written query.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench._support import (
    COLUMNS,
    DATA,
    DECIDED,
    NOW,
    SOURCES,
    TYPES,
    medians_ms,
    rng,
    spread,
    sqlite_time,
    target_for,
    verdict,
)
from bot.domain.catalog import ActionSource, ActionType
from bot.domain.records import ActionRecord
from bot.domain.selection import Selection
from bot.domain.statuses import Status
from bot.domain.windows import Window
from bot.services.query import page_of
from storage.db import Database
from storage.migrate import upgrade

PAGE = 25
GOAL_MS = 20.0
GOAL_RATIO = 1.5
SOURCE = ActionSource.AUTOMATED_DEVICE_ACTION

HAND_WRITTEN = f"""
SELECT pk, upstream_id, type, source, status, created_at, updated_at, target, investigation_id,
       requested_by, details, decided_by, decided_by_email, decided_at, comment, status_detail,
       slack_channel, slack_ts, undo_of_pk
FROM actions
WHERE source = ? AND status != 'pending' AND updated_at >= ? AND updated_at <= ?
ORDER BY updated_at DESC, pk DESC
LIMIT {PAGE}
"""


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def hand_written_record(row: tuple[Any, ...]) -> ActionRecord:
    """The same page by hand: the row's text turned into the record listings show."""
    (pk, upstream_id, type_, source, status, created, updated, target, investigation,
     requested_by, details, decided_by, decided_by_email, decided_at, *rest) = row  # fmt: skip
    return ActionRecord(
        pk,
        upstream_id,
        ActionType(type_),
        ActionSource(source),
        Status(status),
        datetime.fromisoformat(created).replace(tzinfo=UTC),
        datetime.fromisoformat(updated).replace(tzinfo=UTC),
        json.loads(target),
        investigation,
        requested_by,
        None if details is None else json.loads(details),
        decided_by,
        decided_by_email,
        _when(decided_at),
        *rest,
    )


def _schema(connection: sqlite3.Connection) -> set[tuple[str, str]]:
    rows = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
    )
    return {(name, sql) for name, sql in rows}


def _current_schema() -> set[tuple[str, str]]:
    """What the migration makes today, so a file built before a schema change is rebuilt."""
    with tempfile.TemporaryDirectory() as scratch:
        db = Database.from_url(f"sqlite:///{scratch}/schema.db")
        upgrade(db.engine)
        db.dispose()
        with sqlite3.connect(f"{scratch}/schema.db") as connection:
            return _schema(connection)


def build(path: Path, rows: int) -> None:
    """The real schema (through the migration), then rows inserted with executemany."""
    if path.exists():
        with sqlite3.connect(path) as connection:
            try:
                (count,) = connection.execute("SELECT count(*) FROM actions").fetchone()
                schema = _schema(connection)
            except sqlite3.DatabaseError:
                count, schema = -1, set()
        if count == rows and schema == _current_schema():
            print(f"reusing {path} ({rows:,} actions)")
            return
        path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    db = Database.from_url(f"sqlite:///{path}")
    upgrade(db.engine)
    db.dispose()
    r = rng(1)
    ingested = sqlite_time(NOW)
    placeholders = ", ".join("?" for _ in COLUMNS)
    sql = f"INSERT INTO actions ({', '.join(COLUMNS)}) VALUES ({placeholders})"

    def generate(start: int, stop: int) -> list[tuple[object, ...]]:
        batch: list[tuple[object, ...]] = []
        for n in range(start, stop):
            action_type = TYPES[n % len(TYPES)]
            created = NOW - spread(r, 180)
            pending = r.random() < 0.02
            status = "pending" if pending else DECIDED[n % len(DECIDED)]
            updated = (
                created if pending else min(NOW, created + timedelta(minutes=r.uniform(1, 600)))
            )
            target = target_for(action_type, n)
            device = target.get("device_name")
            batch.append(
                (
                    f"bench-{n}",
                    action_type.value,
                    SOURCES[n % len(SOURCES)].value,
                    status,
                    sqlite_time(created),
                    sqlite_time(updated),
                    ingested,
                    json.dumps(target),
                    device.casefold() if device else None,
                    f"inv-{n // 10}",
                    None,
                    None,
                    None if pending else f"U{n % 300:05d}",
                    None if pending else sqlite_time(updated),
                    "not-needed",
                    0,
                )
            )
        return batch

    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    with connection:
        for start in range(0, rows, 50_000):
            connection.executemany(sql, generate(start, min(rows, start + 50_000)))
    connection.execute("ANALYZE")
    connection.close()
    print(f"built {path}: {rows:,} actions in {time.perf_counter() - started:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    path = DATA / f"history-{args.rows}.db"
    build(path, args.rows)

    db = Database.from_url(f"sqlite:///{path}")
    selection = Selection(window=Window.SIX_MONTHS, sources=frozenset({SOURCE}))
    first = page_of(db, selection, limit=PAGE, now=NOW, with_total=False)

    raw = sqlite3.connect(path, isolation_level=None)
    start = sqlite_time(Window.SIX_MONTHS.start(NOW))
    params = (SOURCE.value, start, sqlite_time(NOW))

    def sql_only() -> list[tuple[Any, ...]]:
        raw.execute("BEGIN")
        rows = raw.execute(HAND_WRITTEN, params).fetchall()
        raw.execute("COMMIT")
        return rows

    def hand_written() -> list[ActionRecord]:
        return [hand_written_record(row) for row in sql_only()]

    if first.rows != hand_written():
        print("FAIL: the service's page differs from the hand-written query's", file=sys.stderr)
        return 1
    total = page_of(db, selection, limit=PAGE, now=NOW).total
    plan = raw.execute("EXPLAIN QUERY PLAN " + HAND_WRITTEN, params).fetchall()

    figures = medians_ms(
        args.runs,
        sql_alone=sql_only,
        baseline=hand_written,
        service=lambda: page_of(db, selection, limit=PAGE, now=NOW, with_total=False),
    )
    sql_alone, baseline, service = figures["sql_alone"], figures["baseline"], figures["service"]
    # Apart, so that its count of every row in the window does not cool the others' caches.
    with_total = medians_ms(
        args.runs // 4, warmup=5, with_total=lambda: page_of(db, selection, limit=PAGE, now=NOW)
    )["with_total"]
    ratio = service / baseline
    db.dispose()
    raw.close()

    print(f"history, 6 months of {SOURCE.value}, first page of {PAGE}, {args.rows:,} actions")
    print(f"  rows in the window for this source: {total:,}")
    print(f"  plan: {' / '.join(str(step[-1]) for step in plan)}")
    print(f"  medians over {args.runs} interleaved runs, after 50 warm-up runs")
    print(f"  hand-written SQL, rows as tuples:  median {sql_alone:8.3f} ms")
    print(f"  hand-written SQL, same records:    median {baseline:8.3f} ms (the baseline)")
    print(f"  page_of(with_total=False):         median {service:8.3f} ms")
    print(
        f"  page_of(with_total=True):          median {with_total:8.3f} ms ({args.runs // 4} runs)"
    )
    print(f"  ratio page_of / baseline:          {ratio:8.2f}x")
    print(f"  ratio page_of / rows as tuples:    {service / sql_alone:8.2f}x (for reference)")
    ok_time, ok_ratio = service <= GOAL_MS, ratio <= GOAL_RATIO
    print(f"  goal median <= {GOAL_MS:.0f} ms:             {verdict(ok_time)}")
    print(f"  goal ratio <= {GOAL_RATIO}x:                {verdict(ok_ratio)}")
    return 0 if ok_time and ok_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
