"""Fifty people approve the same action at the same moment: one decision, one card update,
forty-nine "already decided" replies (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections import Counter

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
    text_of,
    trail,
)
from tests.support.running_bot import BotUnderTest
from tests.support.slack_api import SlackApiStandIn

CLICKERS = [f"U0RACE{n:04d}" for n in range(50)]


def test_fifty_concurrent_approvals_make_one_decision(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    (ref,) = store(bot.db, action("race-1", DEVICE))
    card = posted_card(bot.db, ref)
    for user in CLICKERS:
        slack_api.people[user] = f"{user.lower()}@example.com"
        grant(bot.db, f"{user.lower()}@example.com", [Role.SECURITY_ADMINISTRATOR])
    barrier = threading.Barrier(len(CLICKERS))
    statuses: list[int] = []

    def click(user: str) -> None:
        payload = button_click(ActionId.APPROVE, ref, user=user, message_ts=card.slack_ts or "")
        barrier.wait()
        statuses.append(bot.send_interaction(payload).status)

    threads = [threading.Thread(target=click, args=(u,)) for u in CLICKERS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert statuses == [200] * 50
    replies = slack_api.wait_for("chat.postEphemeral", 49, timeout=30)
    (update,) = slack_api.wait_for("chat.update", 1, timeout=30)
    time.sleep(0.6)  # nothing more arrives later (the poster does not update it again)
    assert len(slack_api.calls_to("chat.update")) == 1
    assert len(slack_api.calls_to("chat.postEphemeral")) == 49

    decided = current(bot.db, ref)
    assert decided.status is Status.APPROVED
    assert update.params["ts"] == card.slack_ts
    assert f"<@{decided.decided_by}>" in text_of(update)
    assert {r.params["user"] for r in replies} == set(CLICKERS) - {decided.decided_by}
    assert all(f"<@{decided.decided_by}> approved it" in r.params["text"] for r in replies)
    kinds = Counter(e.kind for e in trail(bot.db, ref))
    assert (kinds["approved"], kinds["too-late"]) == (1, 49)
