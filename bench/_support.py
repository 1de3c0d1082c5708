"""Shared by the benchmarks: where their data lives, rows in the stored format, and timing."""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.domain.catalog import ActionSource, ActionType, Category
from tests.support.actions import MINIMAL_TARGETS

DATA = Path(__file__).resolve().parent / ".data"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
"""A fixed 'now', so a database built once is valid for every later run."""

COLUMNS = (
    "upstream_id",
    "type",
    "source",
    "status",
    "created_at",
    "updated_at",
    "ingested_at",
    "target",
    "device_name",
    "investigation_id",
    "requested_by",
    "details",
    "decided_by",
    "decided_at",
    "post_state",
    "post_attempts",
)
DECIDED = ("approved", "rejected", "completed", "failed", "expired", "cancelled")
TYPES = list(ActionType)
SOURCES = list(ActionSource)


def sqlite_time(value: datetime) -> str:
    """A UTC instant as storage.types.UTCDateTime writes it on SQLite."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def target_for(action_type: ActionType, n: int) -> dict[str, str]:
    target = dict(MINIMAL_TARGETS[action_type.value])
    if action_type.category is Category.DEVICE and "device_name" in target:
        target["device_name"] = f"WS-{n % 5000:04d}"
    return target


def medians_ms(runs: int, warmup: int = 50, **candidates: Callable[[], Any]) -> dict[str, float]:
    """Median milliseconds of each candidate. Runs are interleaved (a, b, c, a, b, c, ...), so
    every candidate meets the same machine: a shared one drifts more than the code differs."""
    for _ in range(warmup):
        for run in candidates.values():
            run()
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(runs):
        for name, run in candidates.items():
            start = time.perf_counter()
            run()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def peak_rss_kb() -> int:
    """This process's own peak resident memory (VmHWM), in kB.

    Not getrusage's ru_maxrss: Linux carries that across exec from the process that forked this
    one, so a child of a large benchmark reports the parent's peak (a bogus 215 MB once).
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def rng(seed: int) -> random.Random:
    return random.Random(seed)


def spread(r: random.Random, days: int) -> timedelta:
    return timedelta(seconds=r.uniform(0, days * 86400))


__all__ = ["json"]
