"""Clicks while Slack is slow, hung or rate-limiting: signed clicks over HTTP to the running bot,
whose Web API stand-in is slowed down for one person or answers 429."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.ids import ActionId
from tests.listeners.clicks import button_click
from tests.listeners.helpers import (
    DEVICE,
    action,
    current,
    grant,
    posted_card,
    store,
    trail,
    wait_until,
)
from tests.support.running_bot import BotUnderTest, bot_settings, start_bot_under_test
from tests.support.slack_api import Call, SlackApiStandIn

ANN, BOB = "U0ANN00001", "U0BOB00002"


@pytest.fixture
def quick_bot(database_url: str, slack_api: SlackApiStandIn) -> Iterator[BotUnderTest]:
    """A bot whose click-path Slack calls give up after one second."""
    running = start_bot_under_test(bot_settings(database_url, slack_api, ACTIONBOT_SLACK_TIMEOUT=1))
    yield running
    running.close()


def _approver(bot: BotUnderTest, slack: SlackApiStandIn, user: str) -> None:
    email = f"{user.lower()}@example.com"
    slack.people[user] = email
    grant(bot.db, email, [Role.SECURITY_ADMINISTRATOR])


def _update_of(slack: SlackApiStandIn, ts: str) -> Call | None:
    return next((c for c in slack.calls_to("chat.update") if c.params.get("ts") == ts), None)


def _ephemeral_to(slack: SlackApiStandIn, user: str) -> Call | None:
    return next((c for c in slack.calls_to("chat.postEphemeral") if c.params["user"] == user), None)


def test_a_slow_users_info_for_one_clicker_holds_up_only_their_own_click(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    first, second = store(bot.db, action("up-1", DEVICE), action("up-2", DEVICE))
    first_card, second_card = posted_card(bot.db, first), posted_card(bot.db, second)
    _approver(bot, slack_api, ANN)
    _approver(bot, slack_api, BOB)
    slack_api.slow_people[ANN] = 4

    assert bot.send_interaction(button_click(ActionId.APPROVE, first, user=ANN)).status == 200
    time.sleep(0.2)  # Ann's users.info is under way
    clicked = time.monotonic()
    assert bot.send_interaction(button_click(ActionId.APPROVE, second, user=BOB)).status == 200

    bobs = wait_until(lambda: _update_of(slack_api, str(second_card.slack_ts)), what="Bob's card")
    assert bobs.at - clicked < 2.0, "Bob's approval waited behind Ann's slow users.info"
    assert _update_of(slack_api, str(first_card.slack_ts)) is None
    anns = wait_until(lambda: _update_of(slack_api, str(first_card.slack_ts)), what="Ann's card")
    assert anns.at > bobs.at
    assert current(bot.db, first).status is Status.APPROVED


def test_a_rate_limited_users_info_is_retried_after_retry_after(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    (ref,) = store(bot.db, action("up-1", DEVICE))
    card = posted_card(bot.db, ref)
    _approver(bot, slack_api, ANN)
    slack_api.fail_next("users.info", status=429, retry_after=1)

    assert bot.send_interaction(button_click(ActionId.APPROVE, ref, user=ANN)).status == 200

    wait_until(lambda: _update_of(slack_api, str(card.slack_ts)), what="the card's update")
    limited, answered = slack_api.calls_to("users.info")
    assert answered.at - limited.at >= 1.0
    assert current(bot.db, ref).status is Status.APPROVED
    assert [e.kind for e in trail(bot.db, ref) if e.kind == "refused"] == []
    assert _ephemeral_to(slack_api, ANN) is None


def test_slack_rate_limiting_past_the_retries_is_a_refusal_that_blames_slack(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    (ref,) = store(bot.db, action("up-1", DEVICE))
    posted_card(bot.db, ref)
    _approver(bot, slack_api, ANN)
    slack_api.fail_next("users.info", status=429, retry_after=1, times=3)

    bot.send_interaction(button_click(ActionId.APPROVE, ref, user=ANN))

    said = wait_until(lambda: _ephemeral_to(slack_api, ANN), what="the refusal").params["text"]
    assert "Slack could not say who you are (users.info: ratelimited)" in said
    assert "roles were not checked" in said
    assert "try again" in said
    assert "Nothing was changed" in said
    assert len(slack_api.calls_to("users.info")) == 3
    assert current(bot.db, ref).status is Status.PENDING
    (refused,) = [e for e in trail(bot.db, ref) if e.kind == "refused"]
    assert "ratelimited" in (refused.reason or "")
    assert slack_api.calls_to("chat.update") == []


def test_a_hung_users_info_is_given_up_after_the_timeout(
    quick_bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    (ref,) = store(quick_bot.db, action("up-1", DEVICE))
    posted_card(quick_bot.db, ref)
    _approver(quick_bot, slack_api, ANN)
    slack_api.slow_people[ANN] = 30

    clicked = time.monotonic()
    quick_bot.send_interaction(button_click(ActionId.APPROVE, ref, user=ANN))

    refusal = wait_until(lambda: _ephemeral_to(slack_api, ANN), timeout=15, what="the refusal")
    assert refusal.at - clicked < 8, "the click waited far longer than ACTIONBOT_SLACK_TIMEOUT"
    said = refusal.params["text"]
    assert "Slack did not answer users.info" in said
    assert "try again" in said
    assert current(quick_bot.db, ref).status is Status.PENDING
