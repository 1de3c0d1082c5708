"""Ingest benchmark: 100,000 actions through the code path of `actionbot ingest`.

    python -m bench.ingest [--actions N]

Parses and stores one document (services.ingest.ingest_input, as the CLI does) on a fresh SQLite
file, then sends the same document again (every action unchanged). The baseline inserts the same
rows (the actions and their audit rows) with sqlite3's executemany into another fresh file of the
same schema. Goal (issue 2): at least 20,000 actions/s.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from bench._support import DATA, DECIDED, NOW, SOURCES, TYPES, iso, rng, spread, target_for, verdict
from bot.domain.incoming import parse_document
from bot.services.ingest import ingest_input
from storage.db import SQLITE_CACHE_SIZE, Database
from storage.migrate import upgrade

GOAL = 20_000


def records(count: int) -> list[dict[str, Any]]:
    """A realistic mix: every type and source, a fifth of them history imports."""
    r = rng(2)
    out = []
    for n in range(count):
        action_type = TYPES[n % len(TYPES)]
        created = NOW - spread(r, 30)
        record: dict[str, Any] = {
            "id": f"ingest-{n:07d}",
            "type": action_type.value,
            "source": SOURCES[n % len(SOURCES)].value,
            "created_at": iso(created),
            "target": target_for(action_type, n),
            "investigation_id": f"inv-{n // 7}",
        }
        if n % 5 == 0:
            record["status"] = DECIDED[n % len(DECIDED)]
            record["updated_at"] = iso(created + (NOW - created) / 2)
        if n % 3 == 0:
            record["details"] = {"alert": f"da{n}", "severity": "high"}
        out.append(record)
    return out


def fresh(path: Path) -> Database:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = Database.from_url(f"sqlite:///{path}")
    upgrade(db.engine)
    return db


def baseline(path: Path, payload: list[dict[str, Any]]) -> float:
    """sqlite3 executemany of the rows ingest writes, in one transaction; returns seconds."""
    fresh(path).dispose()
    now = NOW.strftime("%Y-%m-%d %H:%M:%S.%f")

    def when(text: str) -> str:
        return text.replace("T", " ").replace("Z", "")

    actions = []
    for r in payload:
        target = r["target"]
        decided = r.get("updated_at")
        actions.append(
            (
                r["id"], r["type"], r["source"], r.get("status", "pending"), when(r["created_at"]),
                when(decided or r["created_at"]), now, json.dumps(target),
                target.get("device_name", "").casefold() or None, r["investigation_id"],
                json.dumps(r["details"]) if "details" in r else None,
                when(decided) if decided else None,
                "not-needed" if decided else "due", 0,
            )
        )  # fmt: skip
    connection = sqlite3.connect(path, isolation_level=None)
    # the same settings as the bot's own connections (storage/db.py)
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(f"PRAGMA cache_size={SQLITE_CACHE_SIZE}")
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO actions (upstream_id, type, source, status, created_at, updated_at,"
        " ingested_at, target, device_name, investigation_id, details, decided_at, post_state,"
        " post_attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        actions,
    )
    connection.executemany(
        "INSERT INTO audit_events (action_pk, action_ref, kind, at, actor, status_after)"
        " VALUES (?, ?, 'ingested', ?, 'bench', ?)",
        [(n + 1, a[0], now, a[3]) for n, a in enumerate(actions)],
    )
    connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--actions", type=int, default=100_000)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    payload = records(args.actions)
    data = json.dumps(payload).encode()

    db = fresh(DATA / "ingest.db")

    def run() -> tuple[float, float, Any]:
        """Seconds parsing alone (for the report), seconds of the whole ingest, its result."""
        started = time.perf_counter()
        parse_document(data)
        parsed = time.perf_counter()
        result = ingest_input(db, data, actor="bench", now=NOW)
        return parsed - started, time.perf_counter() - parsed, result

    parse_s, first_s, first = run()
    resend_parse_s, resend_s, again = run()
    db.dispose()
    raw_s = baseline(DATA / "ingest-baseline.db", payload)

    n = args.actions
    assert (first.new, again.unchanged) == (n, n), (first, again)
    rate, resend_rate, raw_rate = n / first_s, n / resend_s, n / raw_s
    print(f"ingest of {n:,} actions ({len(data) / 1e6:.1f} MB JSON) on a fresh SQLite file")
    print(f"  parse_document + ingest:          {first_s:6.2f} s  {rate:9,.0f} actions/s"
          f"  (parsing {parse_s:.2f} s)")  # fmt: skip
    print(f"  re-send, all unchanged:           {resend_s:6.2f} s  {resend_rate:9,.0f} actions/s"
          f"  (parsing {resend_parse_s:.2f} s)")  # fmt: skip
    print(f"  baseline sqlite3 executemany:     {raw_s:6.2f} s  {raw_rate:9,.0f} actions/s"
          "  (same action and audit rows, no parsing)")  # fmt: skip
    print(f"  ingest / baseline:                {raw_s / first_s:6.2f}x the baseline's rate")
    print(f"  goal >= {GOAL:,} actions/s:        {verdict(rate >= GOAL)}")
    print(f"  re-send goal >= {GOAL:,} actions/s: {verdict(resend_rate >= GOAL)}")
    return 0 if rate >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
