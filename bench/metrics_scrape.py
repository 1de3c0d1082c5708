"""Benchmark: GET /metrics over HTTP against a SQLite database of 1,000,000 actions (1% pending),
served the way `actionbot run` serves it (Flask on waitress). Beside it, in the same run, the
baseline: GET /healthz (one trivial query) on the same server. Goal: a scrape under 50 ms.

    python -m bench.metrics_scrape [--rows 1000000] [--scrapes 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.request

from bench.actions_dataset import dataset
from bot.web import health, metrics
from bot.web.http import web_app
from bot.web.server import HttpServer
from storage.db import Database

GOAL_MS = 50.0


def timed_gets(url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"{name:<34} p50 {statistics.median(ordered):7.2f} ms   p99 {p99:7.2f} ms   "
        f"max {ordered[-1]:7.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--scrapes", type=int, default=200)
    args = parser.parse_args()
    db = Database.from_url(f"sqlite:///{dataset(args.rows)}")
    server = HttpServer(web_app([*health.routes(db), *metrics.routes(db)]), "127.0.0.1", 0)
    server.start()
    try:
        timed_gets(server.url + "/metrics", 10)  # warm up: caches, statement compilation
        timed_gets(server.url + "/healthz", 10)
        baseline = timed_gets(server.url + "/healthz", args.scrapes)
        scrapes = timed_gets(server.url + "/metrics", args.scrapes)
    finally:
        server.close()
        db.dispose()
    print(f"{args.rows:,} actions in SQLite, {args.scrapes} sequential requests each")
    print(summary("baseline: GET /healthz", baseline))
    print(summary("GET /metrics (database gauges)", scrapes))
    p99 = sorted(scrapes)[min(len(scrapes) - 1, int(len(scrapes) * 0.99))]
    verdict = "meets" if p99 < GOAL_MS else "MISSES"
    print(f"goal: a scrape under {GOAL_MS:.0f} ms: {verdict} it at p99 ({p99:.2f} ms)")
    return 0 if p99 < GOAL_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
