"""GET /metrics over HTTP (CONTRACT.md section 8): counters of what this bot did, and the
database's gauges read at scrape time; no user id or email anywhere in it."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from bot.domain.roles import Role
from bot.ids import ActionId
from tests.listeners.clicks import button_click
from tests.listeners.helpers import (
    DEVICE,
    EMAIL,
    action,
    grant,
    posted_card,
    store,
    wait_until,
)
from tests.support.running_bot import BotUnderTest
from tests.support.slack_api import SlackApiStandIn
from tests.web.api_helpers import send

ANN, EVE = "U0ANN00001", "U0EVE00005"

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(bot: BotUnderTest) -> tuple[Samples, str]:
    answer = bot.request("GET", "/metrics")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/plain")
    text = answer.body.decode()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples, text


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_the_database_gauges_are_read_at_scrape_time(bot: BotUnderTest) -> None:
    before, _ = scrape(bot)
    assert value(before, "actionbot_pending_actions", category="device") == 0
    assert value(before, "actionbot_oldest_pending_age_seconds") == 0
    store(
        bot.db,
        action("g-1", DEVICE, created_at="2026-01-01T00:00:00Z"),
        action("g-2", DEVICE),
        action("g-3", EMAIL),
    )
    after, _ = scrape(bot)
    assert value(after, "actionbot_pending_actions", category="device") == 2
    assert value(after, "actionbot_pending_actions", category="email") == 1
    assert value(after, "actionbot_oldest_pending_age_seconds") > 3600
    assert value(after, "actionbot_cards_owed") >= 0


def test_ingests_clicks_refusals_and_slack_calls_are_counted(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    before, _ = scrape(bot)
    assert send(bot, [action("m-1", DEVICE), action("m-2", DEVICE)]).status == 200
    assert send(bot, action("m-1", DEVICE)).status == 200
    ref = posted_card(bot.db, "m-1").short_id
    slack_api.people[ANN] = "ann@example.com"
    slack_api.people[EVE] = "eve@example.com"
    grant(bot.db, "ann@example.com", [Role.ACTIVE_REMEDIATION_ACTIONS])

    assert bot.send_interaction(button_click(ActionId.APPROVE, ref, user=EVE)).status == 200
    assert bot.send_interaction(button_click(ActionId.APPROVE, ref, user=ANN)).status == 200
    slack_api.wait_for("chat.update")
    # recorded once the bot has Slack's answer, a moment after the stand-in saw the call
    wait_until(
        lambda: (
            value(scrape(bot)[0], "actionbot_click_to_update_seconds_count")
            > value(before, "actionbot_click_to_update_seconds_count")
            or None
        ),
        what="the card update to be measured",
    )
    after, text = scrape(bot)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("actionbot_ingested_actions_total", result="new", via="api") == 2
    assert grew("actionbot_ingested_actions_total", result="unchanged", via="api") == 1
    assert grew("actionbot_decisions_total", decision="approved", category="device") == 1
    assert grew("actionbot_refusals_total", act="approve", reason="missing-role") == 1
    assert grew("actionbot_ack_seconds_count", kind="click") == 2
    assert grew("actionbot_click_to_update_seconds_count") == 1
    assert grew("actionbot_slack_api_calls_total", method="chat.postMessage", outcome="ok") >= 2
    assert grew("actionbot_slack_api_calls_total", method="users.info", outcome="ok") >= 1
    for secret in (ANN, EVE, "ann@example.com", "eve@example.com"):
        assert secret not in text


def test_metrics_needs_no_token_and_refuses_other_methods(bot: BotUnderTest) -> None:
    assert bot.request("GET", "/metrics").status == 200
    answer = bot.request("POST", "/metrics", b"")
    assert answer.status == 405
    assert answer.headers["Allow"] == "GET"
