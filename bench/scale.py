"""Scale benchmark: SQLite and PostgreSQL in one run, on the same actions (issue 14).

    python -m bench.scale [--rows 1000000] [--requests 100] [--ingest 100000]
                          [--postgres postgresql://actionbot:actionbot@127.0.0.1:5432/postgres]

Datasets: bench/.data/actions-<rows>.db (bench.actions_dataset, built once), copied once into the
PostgreSQL database actionbot_bench_<rows> (reused while its row count is right) and VACUUM
ANALYZEd there, as a bulk ingest leaves it. Figures, per database:
- history: `/actions history 6months source:KEY` from the signed command to the reply at the
  response_url, p50/p99, beside a bare Bolt app answering the same command with a fixed message
  (bench/bare_command_app.py) and the bare repository query (first page with the full count, and
  with the count capped as the bot's listing does; this process);
- export: `actionbot history --window 6months --format csv` in a fresh process (rows/s, and that
  process's own peak RSS, VmHWM);
- ingest: `actionbot ingest FILE` of --ingest new actions, the whole process timed from start to
  exit (interpreter start, parsing, validation, storing), into an empty database; then the same
  file again (every action unchanged).
The machine is shared: compare figures of the same run only.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from bench._support import verdict
from bench.actions_dataset import dataset
from bench.ingest import records
from bench.slash_history import (
    ROOT,
    SECRET,
    SLACK,
    SOURCE,
    USER,
    Bot,
    arrival,
    bare_query,
    percentile,
)
from bot.domain.paging import TOTAL_CAP
from bot.domain.roles import Role
from bot.domain.selection import Selection
from bot.domain.windows import Window
from bot.services import roles as role_service
from bot.views.listings import PAGE_SIZE
from storage.db import Database
from storage.migrate import upgrade
from storage.repositories import ActionRepository

DEFAULT_SERVER = "postgresql://actionbot:actionbot@127.0.0.1:5432/postgres"
RATIO_GOAL, P99_GOAL_MS, INGEST_GOAL, RSS_GOAL_MB = 2.0, 300.0, 20_000, 150.0
ACTIONBOT = [sys.executable, "-m", "bot"]


def with_database(server: str, name: str) -> str:
    return psycopg.conninfo.make_conninfo(server, dbname=name)


def sqlalchemy_url(conninfo: str) -> str:
    parts = psycopg.conninfo.conninfo_to_dict(conninfo)
    return (
        f"postgresql+psycopg://{parts['user']}:{parts['password']}@{parts.get('host', '')}"
        f":{parts.get('port', 5432)}/{parts['dbname']}"
    )


def fresh_postgres(server: str, name: str) -> str:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return sqlalchemy_url(with_database(server, name))


def postgres_dataset(server: str, source: Path, rows: int) -> str:
    """The SQLite dataset's actions in PostgreSQL, loaded by COPY once and VACUUM ANALYZEd."""
    name = f"actionbot_bench_{rows}"
    url = sqlalchemy_url(with_database(server, name))
    try:
        with psycopg.connect(with_database(server, name)) as pg:
            row = pg.execute("SELECT count(*) FROM actions").fetchone()
            if row is not None and row[0] == rows:
                print(f"reusing PostgreSQL database {name} ({rows:,} actions)", flush=True)
                return url
    except psycopg.Error:
        pass
    started = time.monotonic()
    fresh_postgres(server, name)
    db = Database.from_url(url)
    upgrade(db.engine)
    db.dispose()
    lite = sqlite3.connect(source)
    cursor = lite.execute("SELECT * FROM actions ORDER BY pk")
    columns = [d[0] for d in cursor.description]
    with psycopg.connect(with_database(server, name)) as pg:
        pg.execute("SET TIME ZONE 'UTC'")  # SQLite keeps UTC wall times
        with pg.cursor().copy(f"COPY actions ({', '.join(columns)}) FROM STDIN") as copy:
            for row in cursor:
                copy.write_row(row)
        pg.execute("SELECT setval(pg_get_serial_sequence('actions', 'pk'), max(pk)) FROM actions")
    lite.close()
    Database.from_url(url).refresh_statistics("actions", "audit_events")
    print(f"loaded {rows:,} actions into {name} in {time.monotonic() - started:.1f}s", flush=True)
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BareBolt(Bot):
    """bench/bare_command_app.py in a process of its own, driven like the bot."""

    def __init__(self) -> None:
        port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.bare_command_app", str(port), SECRET, SLACK.api_url],
            cwd=ROOT,
            text=True,
        )
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("bare Bolt app did not start")

    def stop(self) -> int:
        self.process.terminate()
        self.process.wait(timeout=30)
        return 0


def replies(bot: Bot, label: str, requests: int) -> list[float]:
    text = f"history 6months source:{SOURCE.value}"
    for i in range(5):
        bot.command(text, f"{label}-warm-{i}")
        arrival(f"{label}-warm-{i}")
    timings = []
    for i in range(requests):
        sent = bot.command(text, f"{label}-{i}")
        timings.append((arrival(f"{label}-{i}") - sent) * 1000)
    return timings


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a process to its end: wall seconds, its own peak RSS (VmHWM, sampled), its stdout."""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out)
        peak = 0
        status = Path(f"/proc/{process.pid}/status")
        while process.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.01)
        seconds = time.monotonic() - started
        if process.returncode != 0:
            raise RuntimeError(f"{command} exited {process.returncode}")
        out.seek(0)
        return seconds, peak, out.read()


def capped_query(db: Database, selection: Selection, runs: int) -> list[float]:
    """What the bot's listing reads: the total counted up to TOTAL_CAP + 1, and the page."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with db.read() as session:
            actions = ActionRepository(session)
            now = datetime.now(UTC)
            actions.count(selection, now, at_most=TOTAL_CAP + 1)
            actions.page(selection, now, limit=PAGE_SIZE)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def stats(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50):7.1f} ms  p99 {percentile(values, 99):7.1f} ms"
        f"  mean {statistics.fmean(values):7.1f} ms"
    )


def measure(name: str, url: str, args: argparse.Namespace, ingest_url: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name}
    db = Database.from_url(url)
    role_service.replace_all(
        db, {f"{USER.lower()}@example.com": [Role.SECURITY_READER]}, actor="bench"
    )
    selection = Selection(window=Window.SIX_MONTHS, sources=frozenset({SOURCE}))
    bot, bare = Bot(url, SLACK), BareBolt()
    try:
        for n in range(3):  # interleaved rounds: both meet the same machine
            out.setdefault("bot", []).extend(replies(bot, f"{name}-bot{n}", args.requests // 3))
            out.setdefault("bare", []).extend(replies(bare, f"{name}-bare{n}", args.requests // 3))
            out.setdefault("query", []).extend(bare_query(db, selection, args.requests // 3))
            out.setdefault("capped", []).extend(capped_query(db, selection, args.requests // 3))
    finally:
        bot.stop()
        bare.stop()
    db.dispose()

    env = {**os.environ, "ACTIONBOT_DATABASE_URL": url}
    seconds, peak, stdout = run_measured([sys.executable, "-m", "bench.cli_csv_process"], env)
    report = json.loads(stdout.strip().splitlines()[-1])
    peak = max(peak, int(report["max_rss_kb"]))
    out["export"] = (int(report["rows"]), float(report["seconds"]), seconds, peak)

    env = {**os.environ, "ACTIONBOT_DATABASE_URL": ingest_url}
    first = run_measured([*ACTIONBOT, "ingest", str(args.ingest_file)], env)
    again = run_measured([*ACTIONBOT, "ingest", str(args.ingest_file)], env)
    assert first[2].startswith(f"{args.ingest} new"), first[2]
    assert again[2].startswith(f"0 new, 0 updated, {args.ingest} unchanged"), again[2]
    out["ingest"], out["resend"] = first[:2], again[:2]
    return out


def report(result: dict[str, Any], rows: int, ingest: int) -> list[tuple[str, bool]]:
    name, bot, bare, query = result["name"], result["bot"], result["bare"], result["query"]
    print(f"\n{name}, {rows:,} actions")
    print(f"  history 6months source:{SOURCE.value}, {len(bot)} requests")
    print(f"    bot reply via response_url    {stats(bot)}")
    print(f"    bare Bolt reply (baseline)    {stats(bare)}")
    print(f"    raw query, full count + page  {stats(query)}")
    print(f"    raw query, capped count + page {stats(result['capped'])}")
    ratio = percentile(bot, 50) / percentile(bare, 50)
    print(f"    bot / bare Bolt p50           {ratio:5.2f}x")
    export_rows, inner, outer, peak = result["export"]
    print(
        f"  export 6months, CLI csv: {export_rows:,} rows in {inner:.1f} s = "
        f"{export_rows / inner:,.0f} rows/s (process {outer:.1f} s), peak RSS {peak / 1024:.1f} MB"
    )
    (s1, rss1), (s2, rss2) = result["ingest"], result["resend"]
    print(
        f"  actionbot ingest, {ingest:,} new:   {s1:6.2f} s = {ingest / s1:8,.0f} actions/s"
        f" whole process, peak RSS {rss1 / 1024:.0f} MB"
    )
    print(
        f"  same file again, unchanged:   {s2:6.2f} s = {ingest / s2:8,.0f} actions/s"
        f" whole process, peak RSS {rss2 / 1024:.0f} MB"
    )
    return [
        (f"{name}: history p50 <= {RATIO_GOAL}x bare Bolt", ratio <= RATIO_GOAL),
        (f"{name}: history p99 < {P99_GOAL_MS:.0f} ms", percentile(bot, 99) < P99_GOAL_MS),
        (f"{name}: CLI export peak RSS < {RSS_GOAL_MB:.0f} MB", peak / 1024 < RSS_GOAL_MB),
        (f"{name}: ingest >= {INGEST_GOAL:,}/s", ingest / s1 >= INGEST_GOAL),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=99)
    parser.add_argument("--ingest", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", DEFAULT_SERVER))
    args = parser.parse_args()

    lite_path = dataset(args.rows)
    pg_url = postgres_dataset(args.postgres, lite_path, args.rows)
    args.ingest_file = lite_path.parent / f"ingest-{args.ingest}.json"
    if not args.ingest_file.exists():
        args.ingest_file.write_text(json.dumps(records(args.ingest)))
    scratch = lite_path.parent / "scale-ingest.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)

    SLACK.people[USER] = f"{USER.lower()}@example.com"
    SLACK.start()
    try:
        results = [
            measure("SQLite", f"sqlite:///{lite_path}", args, f"sqlite:///{scratch}"),
            measure("PostgreSQL", pg_url, args, fresh_postgres(args.postgres, "actionbot_ingest")),
        ]
    finally:
        SLACK.stop()
    print("\nscale benchmark, one run, both databases (shared machine: noisy; compare within)")
    checks = [check for result in results for check in report(result, args.rows, args.ingest)]
    print()
    for name, ok in checks:
        print(f"{verdict(ok)}  {name}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
