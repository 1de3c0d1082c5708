"""Posting cards: each new pending action reaches the channel exactly once, through Slack outages,
rate limits, restarts and a second replica, and cards follow their action's status."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.ids import ActionId
from bot.jobs.posting import IDLE_SECONDS
from tests.listeners.clicks import button_click
from tests.listeners.helpers import (
    DEVICE,
    EMAIL,
    action,
    current,
    grant,
    posted_card,
    store,
    text_of,
    values_of,
)
from tests.support.running_bot import CHANNEL, BotUnderTest, bot_settings, start_bot_under_test
from tests.support.slack_api import SlackApiStandIn
from tests.web.api_helpers import send

ROOT = Path(__file__).resolve().parents[2]


def _posts_per_action(slack: SlackApiStandIn) -> Counter[str]:
    return Counter(values_of(c)[0] for c in slack.calls_to("chat.postMessage"))


def test_each_new_pending_action_is_posted_once_and_history_is_not(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    refs = store(
        bot.db,
        action("p-1", DEVICE),
        action("p-2", EMAIL),
        action("old-1", DEVICE, status="completed", created_at="2026-01-01T00:00:00Z"),
    )
    for ref in refs[:2]:
        assert posted_card(bot.db, ref).slack_channel == CHANNEL
    time.sleep(0.8)
    assert _posts_per_action(slack_api) == {refs[0]: 1, refs[1]: 1}
    assert current(bot.db, refs[2]).slack_ts is None


def test_rate_limits_and_server_errors_still_post_each_action_once(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    slack_api.fail_next("chat.postMessage", status=429, retry_after=1)
    slack_api.fail_next("chat.postMessage", status=500, times=2)
    refs = store(bot.db, *(action(f"p-{n}", DEVICE) for n in range(5)))

    cards = [posted_card(bot.db, ref, timeout=20) for ref in refs]

    time.sleep(0.8)
    calls = slack_api.calls_to("chat.postMessage")
    assert len(calls) == 5 + 3  # each action once, plus the three answered with an error
    assert len({c.slack_ts for c in cards}) == 5
    assert set(_posts_per_action(slack_api)) == set(refs)
    first = calls[0]
    retried = next(c for c in calls[1:] if values_of(c) == values_of(first))
    assert retried.at - first.at >= 0.95  # Retry-After was honoured


def test_a_restart_posts_what_is_due_and_nothing_twice(
    database_url: str, slack_api: SlackApiStandIn
) -> None:
    first = start_bot_under_test(bot_settings(database_url, slack_api))
    try:
        early = store(first.db, action("p-1", DEVICE), action("p-2", EMAIL))
        for ref in early:
            posted_card(first.db, ref)
        slack_api.fail_next("chat.postMessage", status=503, times=1000)  # Slack is down
        late = store(first.db, action("p-3", DEVICE))
        slack_api.wait_for("chat.postMessage", 3)
    finally:
        first.close()
    more = store(first.db, action("p-4", DEVICE))  # arrives while no bot runs
    slack_api.clear_failures()  # Slack is back

    second = start_bot_under_test(bot_settings(database_url, slack_api))
    try:
        for ref in late + more:
            posted_card(second.db, ref, timeout=15)
        time.sleep(0.8)
    finally:
        second.close()
    counts = Counter(
        values_of(c)[0]
        for c in slack_api.calls_to("chat.postMessage")
        if c.params.get("channel") == CHANNEL
    )
    assert counts[early[0]] == counts[early[1]] == counts[more[0]] == 1
    assert len({current(first.db, r).slack_ts for r in early + late + more}) == 4


def test_two_replicas_never_post_the_same_card_twice(
    database_url: str, slack_api: SlackApiStandIn
) -> None:
    replicas = [start_bot_under_test(bot_settings(database_url, slack_api)) for _ in range(2)]
    try:
        refs = store(replicas[0].db, *(action(f"p-{n}", DEVICE) for n in range(30)))
        for ref in refs:
            posted_card(replicas[0].db, ref, timeout=20)
        time.sleep(0.8)
    finally:
        for replica in replicas:
            replica.close()
    assert _posts_per_action(slack_api) == dict.fromkeys(refs, 1)


def test_actions_ingested_from_another_shell_are_posted_within_seconds(
    bot: BotUnderTest, slack_api: SlackApiStandIn, database_url: str
) -> None:
    document = b'{"id": "cli-1", "type": "run-antivirus-scan", "source": "manual-device-action",'
    document += b' "target": {"device_name": "LAPTOP-9"}}'
    env = {**os.environ, "ACTIONBOT_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ingest", "-"],
        input=document,
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (post,) = slack_api.wait_for("chat.postMessage", timeout=5)  # within seconds
    assert "LAPTOP-9" in text_of(post)


def test_the_card_follows_status_reports_after_approval(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    (ref,) = store(bot.db, action("p-1", DEVICE))
    posted_card(bot.db, ref)
    slack_api.people["U0ANN00001"] = "ann@example.com"
    grant(bot.db, "ann@example.com", [Role.GLOBAL_ADMINISTRATOR])
    bot.send_interaction(button_click(ActionId.APPROVE, ref, user="U0ANN00001"))
    slack_api.wait_for("chat.update")

    store(bot.db, action("p-1", DEVICE, status="completed", updated_at="2099-01-01T00:00:00Z"))

    updates = slack_api.wait_for("chat.update", 2)
    assert "completed" in text_of(updates[-1])
    assert "Not carried out automatically" not in text_of(updates[-1])
    assert "<@U0ANN00001>" in text_of(updates[-1])
    assert current(bot.db, ref).status is Status.COMPLETED


def test_without_a_channel_nothing_is_posted_and_the_log_says_so_once(
    database_url: str, slack_api: SlackApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    running = start_bot_under_test(bot_settings(database_url, slack_api, ACTIONBOT_CHANNEL=None))
    try:
        store(running.db, action("p-1", DEVICE))
        time.sleep(1.0)
    finally:
        running.close()
    assert slack_api.calls_to("chat.postMessage") == []
    said = [r for r in caplog.records if "ACTIONBOT_CHANNEL is not set" in r.getMessage()]
    assert len(said) == 1


def test_an_action_from_the_ingest_api_is_posted_at_once_not_at_the_next_poll(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    time.sleep(IDLE_SECONDS + 0.2)  # the poster is idle between polls
    for n in range(8):
        answered = time.monotonic()
        assert send(bot, action(f"api-{n}", DEVICE)).status == 200
        post = slack_api.wait_for("chat.postMessage", count=n + 1)[-1]
        waited = post.at - answered
        assert waited < IDLE_SECONDS / 2, f"posted {waited:.2f}s after the ingest answered"
        time.sleep(0.3)
