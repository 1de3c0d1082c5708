"""Benchmark: 100,000 actions through the ingest API, in batches of 100 from 8 concurrent senders,
against the bot started as `python -m bot run` on SQLite; beside it, in the same run, the bulk CLI
path (services.ingest.ingest_input of the same 100,000 in one go). Goal: at least 2,000 actions/s.

    python -m bench.ingest_api [--actions 100000] [--batch 100] [--senders 8]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bot.domain.catalog import ActionSource
from bot.services.ingest import ingest_input
from storage.db import Database
from storage.migrate import upgrade
from tests.support.slack_api import SlackApiStandIn

GOAL = 2000.0
TOKEN = "bench-ingest-token"
_DEVICE_TYPES = ["isolate-device", "run-antivirus-scan", "collect-investigation-package"]


def make_actions(count: int) -> list[dict[str, Any]]:
    sources = [s.value for s in ActionSource]
    return [
        {
            "id": f"bench-{n:07d}",
            "type": _DEVICE_TYPES[n % len(_DEVICE_TYPES)],
            "source": sources[n % len(sources)],
            "created_at": "2026-11-27T08:00:00Z",
            "target": {"device_name": f"WS-{n % 5000:04d}", "machine_id": f"{n:040x}"},
            "investigation_id": f"inv-{n // 10}",
            "details": {"alert": f"da{n}", "severity": "high"},
        }
        for n in range(count)
    ]


def migrated_sqlite(directory: Path, name: str) -> str:
    url = f"sqlite:///{directory / name}"
    db = Database.from_url(url)
    upgrade(db.engine)
    db.dispose()
    return url


def bulk_cli_path(actions: list[dict[str, Any]], url: str) -> float:
    """Seconds for what `actionbot ingest FILE` does with the whole document."""
    data = json.dumps(actions).encode()
    db = Database.from_url(url)
    started = time.perf_counter()
    result = ingest_input(db, data, actor="bench")
    elapsed = time.perf_counter() - started
    db.dispose()
    assert result.new == len(actions), result
    return elapsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_bot(url: str, slack: SlackApiStandIn, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": "bench-signing-secret",
        "SLACK_API_URL": slack.api_url,
        "ACTIONBOT_DATABASE_URL": url,
        "ACTIONBOT_INGEST_TOKEN": TOKEN,
        "ACTIONBOT_CHANNEL": "C0BENCH",
    }
    command = [sys.executable, "-m", "bot", "run", "--mode", "http", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--no-scheduler"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the bot exited ({process.returncode}); see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the bot did not become healthy within 60 s")


def send_all(port: int, batches: list[bytes], senders: int) -> float:
    """Seconds to send every batch, `senders` at a time, each over its own kept-alive connection."""
    queue = list(reversed(batches))
    lock = threading.Lock()
    failures: list[str] = []
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def sender() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                body = queue.pop()
            connection.request("POST", "/api/v1/actions", body, headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status != 200:
                failures.append(f"{response.status} {answer[:200]!r}")
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.close()

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} batches failed, first: {failures[0]}")
    return elapsed


def count_stored(url: str) -> int:
    from sqlalchemy import func, select

    from storage.repositories import ACTIONS

    db = Database.from_url(url)
    with db.read() as session:
        count = int(session.execute(select(func.count()).select_from(ACTIONS)).scalar_one())
    db.dispose()
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--senders", type=int, default=8)
    args = parser.parse_args()

    actions = make_actions(args.actions)
    batches = [
        json.dumps(actions[i : i + args.batch]).encode() for i in range(0, len(actions), args.batch)
    ]
    with tempfile.TemporaryDirectory(prefix="actionbot-bench-") as tmp:
        directory = Path(tmp)
        bulk_seconds = bulk_cli_path(actions, migrated_sqlite(directory, "bulk.db"))

        api_url = migrated_sqlite(directory, "api.db")
        slack = SlackApiStandIn().start()
        port = free_port()
        bot = start_bot(api_url, slack, port, directory / "bot.log")
        try:
            api_seconds = send_all(port, batches, args.senders)
        finally:
            bot.terminate()
            bot.wait(timeout=30)
            slack.stop()
        stored = count_stored(api_url)
        if stored != args.actions:
            raise SystemExit(f"the API stored {stored} actions, expected {args.actions}")

    bulk_rate = args.actions / bulk_seconds
    api_rate = args.actions / api_seconds
    print(f"ingest of {args.actions:,} actions on SQLite (same run)")
    print(
        f"  baseline, bulk CLI path (ingest_input, one transaction): "
        f"{bulk_rate:,.0f} actions/s ({bulk_seconds:.1f} s)"
    )
    print(
        f"  HTTP API, {args.senders} senders x batches of {args.batch} "
        f"({len(batches):,} requests): {api_rate:,.0f} actions/s ({api_seconds:.1f} s), "
        f"{api_rate / bulk_rate:.0%} of the bulk path"
    )
    verdict = "PASS" if api_rate >= GOAL else "FAIL"
    print(f"  goal: >= {GOAL:,.0f} actions/s over HTTP: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
