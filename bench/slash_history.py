"""Benchmark: `/actions history 6months source:KEY` end to end over HTTP, and `/actions export
6months` as CSV, with 1,000,000 actions on SQLite.

The bot runs in a process of its own (bench/bot_process.py), as `actionbot run` runs it; Slack is
the stand-in of the test suite, in this process. Figures:
- history: time from sending the signed command to its reply arriving at the response_url,
  p50/p99, beside the bare repository query for the same page (count + page) in this process;
- export: rows/s from the command to the "arrived" message, and the bot process's peak RSS
  (goal: under 200 MB), beside `actionbot history --window 6months --format csv` (a process of
  its own, writing to a file) as the baseline.

    python -m bench.slash_history [--rows N] [--requests N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.actions_dataset import dataset
from bot.domain.catalog import ActionSource
from bot.domain.roles import Role
from bot.domain.selection import Selection
from bot.domain.windows import Window
from bot.services import roles as role_service
from bot.views.listings import PAGE_SIZE
from storage.db import Database
from storage.repositories import ActionRepository
from tests.support.signing import signed_headers
from tests.support.slack_api import TEAM_ID, SlackApiStandIn

SECRET = "bench-signing-secret"
USER = "U0BENCHVW1"
SOURCE = ActionSource.AUTOMATED_DEVICE_ACTION
RSS_GOAL_MB = 200.0
REPLY_GOAL_MS = 3000.0
ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Bot:
    """The bot process: started with the database and the stand-in, stopped to learn its RSS."""

    def __init__(self, database_url: str, slack: SlackApiStandIn) -> None:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "ACTIONBOT_DATABASE_URL": database_url,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.bot_process"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = json.loads(self.process.stdout.readline())["url"]

    def command(self, text: str, response: str) -> float:
        """Send `/actions TEXT` signed as Slack does; returns when it was sent (monotonic)."""
        body = urlencode(
            {
                "team_id": TEAM_ID,
                "user_id": USER,
                "command": "/actions",
                "text": text,
                "response_url": SLACK.response_url(response),
                "trigger_id": "1.2.3",
            }
        ).encode()
        sent = time.monotonic()
        request = urllib.request.Request(
            self.url + "/slack/events", data=body, headers=signed_headers(SECRET, body)
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()
        return sent

    def stop(self) -> int:
        """Stop the bot; its peak RSS in kB."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("stop\n")
        self.process.stdin.flush()
        rss = int(json.loads(self.process.stdout.readline())["max_rss_kb"])
        self.process.wait(timeout=30)
        return rss


SLACK = SlackApiStandIn()


def arrival(response: str, count: int = 1, timeout: float = 600) -> float:
    """When the `count`th message to response_url `response` arrived (monotonic)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = [
            c
            for c in SLACK.calls_to("response_url")
            if c.params.get("_response_url") == f"/response/{response}"
        ]
        if len(calls) >= count:
            return calls[count - 1].at
        time.sleep(0.002)
    raise TimeoutError(f"no reply to {response}")


def count(db: Database, selection: Selection) -> int:
    with db.read() as session:
        return ActionRepository(session).count(selection, datetime.now(UTC))


def bare_query(db: Database, selection: Selection, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with db.read() as session:
            actions = ActionRepository(session)
            now = datetime.now(UTC)
            actions.count(selection, now)
            actions.page(selection, now, limit=PAGE_SIZE)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.slash_history")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()

    path = dataset(args.rows)
    url = f"sqlite:///{path}"
    db = Database.from_url(url)
    role_service.replace_all(db, {f"{USER.lower()}@example.com": [Role.SECURITY_READER]},
                             actor="bench")  # fmt: skip
    SLACK.people[USER] = f"{USER.lower()}@example.com"
    SLACK.start()
    selection = Selection(window=Window.SIX_MONTHS, sources=frozenset({SOURCE}))
    failures: list[str] = []
    try:
        bot = Bot(url, SLACK)
        text = f"history 6months source:{SOURCE.value}"
        bot.command(text, "warm-up")
        arrival("warm-up")
        replies = []
        for i in range(args.requests):
            sent = bot.command(text, f"h{i}")
            replies.append((arrival(f"h{i}") - sent) * 1000)
        bare = bare_query(db, selection, args.requests)

        in_window = Selection(window=Window.SIX_MONTHS)
        before = count(db, in_window)
        sent = bot.command("export 6months", "export")
        done = arrival("export", count=2)
        after = count(db, in_window)
        seconds = done - sent
        (content,) = SLACK.uploads.values()
        rows = content.count(b"\n") - 1
        size_mb = len(content) / 1e6
        SLACK.uploads.clear()
        del content
        rss_mb = bot.stop() / 1024
    finally:
        SLACK.stop()

    cli = subprocess.run(
        [sys.executable, "-m", "bench.cli_csv_process"],
        cwd=ROOT,
        env={**os.environ, "ACTIONBOT_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    baseline: dict[str, Any] = json.loads(cli.stdout.strip().splitlines()[-1])
    total_rows = count(db, Selection(window=Window.SIX_MONTHS))
    db.dispose()

    print(f"\n/actions benchmark on SQLite, {args.rows:,} actions "
          f"({total_rows:,} in the last 6 months)\n")  # fmt: skip
    print(f"history 6months source:{SOURCE.value}, {args.requests} requests, page of {PAGE_SIZE}")
    print(
        f"  reply via response_url  p50 {percentile(replies, 50):8.1f} ms   "
        f"p99 {percentile(replies, 99):8.1f} ms   mean {statistics.fmean(replies):8.1f} ms"
    )
    print(
        f"  baseline bare query     p50 {percentile(bare, 50):8.1f} ms   "
        f"p99 {percentile(bare, 99):8.1f} ms   mean {statistics.fmean(bare):8.1f} ms"
        "   (count + page, repository, same process)"
    )
    print("export 6months (CSV, every column)")
    print(
        f"  slash export to DM      {rows:>9,} rows in {seconds:6.1f} s = "
        f"{rows / seconds:9,.0f} rows/s   {size_mb:6.1f} MB   bot peak RSS {rss_mb:6.1f} MB"
    )
    brows, bsec = int(baseline["rows"]), float(baseline["seconds"])
    cli_rss = baseline["max_rss_kb"] / 1024
    print(
        f"  baseline CLI csv        {brows:>9,} rows in {bsec:6.1f} s = "
        f"{brows / bsec:9,.0f} rows/s             CLI peak RSS {cli_rss:6.1f} MB"
    )
    p99 = percentile(replies, 99)
    checks = [
        (f"bot peak RSS during export under {RSS_GOAL_MB:.0f} MB", rss_mb < RSS_GOAL_MB),
        (f"history reply p99 under Slack's {REPLY_GOAL_MS / 1000:.0f} s", p99 < REPLY_GOAL_MS),
        # The window slides while the export runs: rows may leave it, none join (no new data).
        ("export has every row of the window", after <= rows <= before),
    ]
    print()
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
        if not ok:
            failures.append(name)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
