"""Prometheus metrics (CONTRACT.md section 8): what this process counted, and what the database
says at scrape time.

Counters and histograms live in one registry per process (`PROCESS`); the use cases and the
Slack client record into it with the small functions below. The gauges that describe the
database (pending actions by category, the oldest pending one's age, cards owed) are read from it
by `DatabaseGauges` on every scrape, so every replica reports the same figures. No label holds a
user id or an email.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.domain.catalog import ActionType, Category
from bot.domain.clock import utcnow

PROCESS = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_UPDATE_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

DECISIONS = Counter(
    "actionbot_decisions",
    "Actions approved or rejected in Slack.",
    ["decision", "category"],
    registry=PROCESS,
)
REFUSALS = Counter(
    "actionbot_refusals",
    "Attempts refused: a role missing, another team, or a user who could not be looked up.",
    ["act", "reason"],
    registry=PROCESS,
)
INGESTED = Counter(
    "actionbot_ingested_actions",
    "Actions received, by what became of them and the way they came.",
    ["result", "via"],
    registry=PROCESS,
)
SLACK_API_CALLS = Counter(
    "actionbot_slack_api_calls",
    "Slack Web API calls made by this process, by method and outcome.",
    ["method", "outcome"],
    registry=PROCESS,
)
ACK_SECONDS = Histogram(
    "actionbot_ack_seconds",
    "From a Slack request's arrival to its acknowledgement.",
    ["kind"],
    buckets=_LATENCY_BUCKETS,
    registry=PROCESS,
)
CLICK_TO_UPDATE_SECONDS = Histogram(
    "actionbot_click_to_update_seconds",
    "From a decision in Slack to its card being updated in place.",
    buckets=_UPDATE_BUCKETS,
    registry=PROCESS,
)


def decided(decision: str, category: Category) -> None:
    DECISIONS.labels(decision=decision, category=category.value).inc()


def refused(act: str, reason: str) -> None:
    """`reason` is one of missing-role, other-team, unknown-user, lookup-failed."""
    REFUSALS.labels(act=act, reason=reason).inc()


def ingested(via: str, *, new: int, updated: int, unchanged: int) -> None:
    for result, count in (("new", new), ("updated", updated), ("unchanged", unchanged)):
        if count:
            INGESTED.labels(result=result, via=via).inc(count)


def slack_api_call(method: str, outcome: str) -> None:
    """`outcome` is ok, ratelimited or error; `method` is the Web API method's name."""
    SLACK_API_CALLS.labels(method=method, outcome=outcome).inc()


def card_updated_after(decided_at: datetime | None) -> None:
    if decided_at is not None:
        CLICK_TO_UPDATE_SECONDS.observe(max(0.0, (utcnow() - decided_at).total_seconds()))


PendingFigures = tuple[dict[ActionType, int], datetime | None, int]
"""Pending count per action type, the oldest pending action's created_at, cards owed."""


class DatabaseGauges(Collector):
    """The gauges read from the database at each scrape (`read` is one short query or three)."""

    def __init__(self, read: Callable[[], PendingFigures]) -> None:
        self._read = read

    def collect(self) -> Iterable[Metric]:
        pending_by_type, oldest, owed = self._read()
        pending = GaugeMetricFamily(
            "actionbot_pending_actions", "Actions waiting for a decision.", labels=["category"]
        )
        by_category = dict.fromkeys(Category, 0)
        for action_type, count in pending_by_type.items():
            by_category[action_type.category] += count
        for category, count in by_category.items():
            pending.add_metric([category.value], count)
        age = (utcnow() - oldest).total_seconds() if oldest is not None else 0.0
        oldest_age = GaugeMetricFamily(
            "actionbot_oldest_pending_age_seconds",
            "How long the oldest pending action has waited (0 when none is pending).",
            value=max(0.0, age),
        )
        cards = GaugeMetricFamily(
            "actionbot_cards_owed",
            "Cards not yet posted, or not yet updated, in Slack.",
            value=owed,
        )
        return iter([pending, oldest_age, cards])

    def describe(self) -> Iterator[Metric]:
        return iter(())


def scrape(gauges: DatabaseGauges) -> bytes:
    """The text exposition of this process's metrics and the database's gauges."""
    database = CollectorRegistry(auto_describe=False)
    database.register(gauges)
    return generate_latest(PROCESS) + generate_latest(database)
