"""Approve clicks under load: 32 concurrent clients send Slack-signed approve clicks over HTTP to
the running bot (`actionbot run`, HTTP mode, its own process), each click on its own pending
action. Reports request-to-ack p50/p99 beside a bare Bolt app that only acks (bench.bare_app,
served the same way, measured in the same run), and click-to-chat.update p50/p99 from the Slack
stand-in's recorded calls. Both servers are warmed up first with one click per client (the bot's
on an action of its own, and its work after those acks done) so that neither pays for first
connections or Bolt's first auth.test in the figures. The Slack stand-in runs in a process of its
own (bench.slack_stand_in): answering the bot's Slack calls must not take the GIL from the clients
that time the bot.

    python -m bench.clicks [--clients 32] [--clicks 15] [--slow-every 10]

With --slow-every N it instead compares click -> chat.update of the quick users' clicks in a run
where users.info takes 5 s for every Nth user against a run where it never does (goal: p99
within 2x).

Goal: ack p50 and p99 at most 1.5x the bare app's, and p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bench.slack_stand_in import SLOW_SECONDS, StandInProcess
from bot.domain.incoming import parse_document
from bot.domain.records import short_id_of
from bot.domain.roles import Role
from bot.ids import ActionId
from bot.services import roles as role_service
from bot.services.ingest import ingest
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Action
from tests.listeners.clicks import button_click
from tests.support.running_bot import BOT_TOKEN, CHANNEL, SIGNING_SECRET
from tests.support.signing import interaction_body, signed_headers

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / ".data"
RATIO_GOAL = 1.5
P99_GOAL_MS = 100.0
SLOW_RATIO_GOAL = 2.0
WORK_THREADS = os.environ.get("BENCH_WORK_THREADS", "")
"""ACTIONBOT_WORK_THREADS for the bot (default: the bot's own default)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port} after {timeout}s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def hammer(port: int, clients: int, payloads: list[list[bytes]]) -> tuple[list[float], list[float]]:
    """Each client sends its bodies one after another on its own keep-alive connection; returns
    (latency of each request in ms, monotonic send time of each request) in payload order."""
    latencies: dict[tuple[int, int], float] = {}
    sent_at: dict[tuple[int, int], float] = {}
    barrier = threading.Barrier(clients)
    failures: list[str] = []

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        for i, body in enumerate(payloads[n]):
            headers = signed_headers(SIGNING_SECRET, body)
            start = time.monotonic()
            connection.request("POST", "/slack/events", body, headers)
            response = connection.getresponse()
            response.read()
            latencies[(n, i)] = (time.monotonic() - start) * 1000
            sent_at[(n, i)] = start
            if response.status != 200:
                failures.append(f"HTTP {response.status}")
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{len(failures)} click(s) failed: {failures[:3]}")
    keys = sorted(latencies)
    return [latencies[k] for k in keys], [sent_at[k] for k in keys]


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def prepare_database(url: str, clients: int, clicks: int) -> list[list[str]]:
    """Pending actions (one per click, and one per client to warm up on) and one Security
    Administrator per client."""
    db = Database.from_url(url)
    upgrade(db.engine)
    actions = [
        {
            "id": f"bench-{n}-{i}",
            "type": "isolate-device",
            "source": "automated-device-action",
            "target": {"device_name": f"WS-{n:03d}-{i:03d}"},
        }
        for n in range(clients)
        for i in range(clicks + 1)
    ]
    short_ids = ingest(db, parse_document(json.dumps(actions)), actor="bench").short_ids
    for n in range(clients):
        role_service.grant(db, user_of(n), [Role.SECURITY_ADMINISTRATOR], actor="bench")
    db.dispose()
    per_client = clicks + 1
    return [short_ids[n * per_client : (n + 1) * per_client] for n in range(clients)]


def user_of(n: int) -> str:
    return f"U0BENCH{n:04d}"


def line(name: str, values: list[float]) -> str:
    return f"{name:<34} p50 {percentile(values, 50):7.2f} ms   p99 {percentile(values, 99):7.2f} ms"


@dataclass
class Figures:
    bare_ms: list[float]
    bot_ms: list[float]
    to_update: dict[str, float]
    """Click -> chat.update in ms, by the short id of the clicked action."""


def run(clients: int, clicks: int, *, slow: Sequence[str] = (), cache: bool = True) -> Figures:
    """One measured round; users.info takes 5 s for the users in `slow`."""

    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    url = f"sqlite:///{DATA / 'clicks.db'}"
    prepared = prepare_database(url, clients, clicks)
    warm_refs, refs = [r[:1] for r in prepared], [r[1:] for r in prepared]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIONBOT_"))},
        "PYTHONPATH": str(ROOT),
    }
    slack = StandInProcess(
        [user_of(n) for n in range(clients)], {**env, "BENCH_SLOW_USERS_INFO": ",".join(slow)}
    )
    env = {
        **env,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "ACTIONBOT_DATABASE_URL": url,
        "ACTIONBOT_CHANNEL": CHANNEL,
        "ACTIONBOT_ROLE_CACHE_SECONDS": "60" if cache else "0",
        **({"ACTIONBOT_WORK_THREADS": WORK_THREADS} if WORK_THREADS else {}),
    }
    bare_port, bot_port = free_port(), free_port()
    bare = start(
        [sys.executable, "-m", "bench.bare_app", str(bare_port), SIGNING_SECRET, slack.api_url], env
    )
    bot = start(
        [sys.executable, "-m", "bot", "run", "--mode", "http", "--port", str(bot_port)], env
    )
    try:
        wait_for_port(bare_port)
        wait_for_port(bot_port)
        total = clients * clicks
        slack.wait_for("chat.postMessage", clients + total, timeout=120)  # every card is posted
        time.sleep(1.0)  # let the poster record the last ones

        def bodies(refs: Sequence[Sequence[str]]) -> list[list[bytes]]:
            return [
                [
                    interaction_body(button_click(ActionId.APPROVE, ref, user=user_of(n)))
                    for ref in refs[n]
                ]
                for n in range(clients)
            ]

        # Warm both servers up (connections, first auth.test), then measure: bare app first.
        hammer(bare_port, clients, bodies(warm_refs))
        hammer(bot_port, clients, bodies(warm_refs))
        # A click whose users.info outlasts ACTIONBOT_SLACK_TIMEOUT is refused: no chat.update.
        quick = clients - len(slow)
        slack.wait_for("chat.update", quick, timeout=120)
        bare_ms, _ = hammer(bare_port, clients, bodies(refs))
        bot_ms, sent = hammer(bot_port, clients, bodies(refs))

        updates = slack.wait_for("chat.update", quick * (clicks + 1), timeout=120)
        if slow:
            time.sleep(2 * SLOW_SECONDS)  # the slow users' clicks end, in a refusal or an update
            updates = slack.wait_for("chat.update", quick * (clicks + 1), timeout=120)
        ts_to_ref = cards_by_ts(url)
        ref_to_sent = {
            ref: sent[n * clicks + i] for n in range(clients) for i, ref in enumerate(refs[n])
        }
        to_update = {
            ref: (u.at - ref_to_sent[ref]) * 1000
            for u in updates
            if (ref := ts_to_ref[str(u.params["ts"])]) in ref_to_sent
        }
    finally:
        stop(bot)
        stop(bare)
        slack.stop()
    return Figures(bare_ms, bot_ms, to_update)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--clicks", type=int, default=15, help="clicks per client")
    parser.add_argument(
        "--slow-every",
        type=int,
        default=0,
        help="also run with users.info taking 5 s for every Nth user (no role cache in either)",
    )
    args = parser.parse_args()
    if args.slow_every:
        return slow_users_info(args.clients, args.clicks, args.slow_every)
    clients, clicks = args.clients, args.clicks
    figures = run(clients, clicks)
    bare_ms, bot_ms, to_update = figures.bare_ms, figures.bot_ms, list(figures.to_update.values())
    total = clients * clicks
    print(f"{clients} concurrent clients, {clicks} approve clicks each ({total} clicks), SQLite")
    print(line("bare Bolt app, request -> ack", bare_ms))
    print(line("actionbot, request -> ack", bot_ms))
    print(line("actionbot, click -> chat.update", to_update))
    p50_ratio = percentile(bot_ms, 50) / percentile(bare_ms, 50)
    p99_ratio = percentile(bot_ms, 99) / percentile(bare_ms, 99)
    p99 = percentile(bot_ms, 99)
    ok = p50_ratio <= RATIO_GOAL and p99_ratio <= RATIO_GOAL and p99 < P99_GOAL_MS
    print(
        f"ack vs bare: p50 {p50_ratio:.2f}x, p99 {p99_ratio:.2f}x (goal <= {RATIO_GOAL}x); "
        f"p99 {p99:.1f} ms (goal < {P99_GOAL_MS:.0f} ms): {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


def slow_users_info(clients: int, clicks: int, every: int) -> int:
    """Click -> chat.update of the clicks whose users.info is quick, without and then with every
    `every`-th user's users.info taking 5 s (SlackPeople's cache off, so every click asks)."""
    slow_users = [user_of(n) for n in range(0, clients, every)]
    quick_refs = {
        short_id_of(pk)
        for pk in range(1, clients * (clicks + 1) + 1)
        if (pk - 1) // (clicks + 1) % every != 0
    }
    baseline = run(clients, clicks, cache=False)
    slowed = run(clients, clicks, slow=slow_users, cache=False)
    quick_before = [ms for ref, ms in baseline.to_update.items() if ref in quick_refs]
    quick_after = [ms for ref, ms in slowed.to_update.items() if ref in quick_refs]
    print(
        f"{clients} clients x {clicks} clicks; users.info takes 5 s for {len(slow_users)} of"
        f" {clients} users; click -> chat.update of the other users' clicks:"
    )
    print(line("  no slow users.info", quick_before))
    print(line("  1 user in every " + str(every) + " slow", quick_after))
    print(
        line(
            "  (the slow users' own clicks)",
            [ms for ref, ms in slowed.to_update.items() if ref not in quick_refs],
        )
    )
    ratio = percentile(quick_after, 99) / percentile(quick_before, 99)
    ok = ratio <= SLOW_RATIO_GOAL
    print(f"p99 ratio {ratio:.2f}x (goal <= {SLOW_RATIO_GOAL:g}x): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def cards_by_ts(url: str) -> dict[str, str]:
    """Each card's message ts -> the short id of its action."""
    db = Database.from_url(url)
    with db.read() as session:
        rows = session.execute(select(Action.pk, Action.slack_ts)).all()
    db.dispose()
    return {str(ts): short_id_of(pk) for pk, ts in rows}


if __name__ == "__main__":
    sys.exit(main())
