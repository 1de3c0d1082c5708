"""The card poster's lease arithmetic, and two posters on one database while Slack is slow:
real databases, and chat.postMessage on the Web API stand-in over HTTP."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from slack_sdk import WebClient

from bot.integrations.slack_clients import OUTBOX_ATTEMPTS, OUTBOX_TIMEOUT
from bot.integrations.slack_messages import SlackChannelMessages
from bot.services.posting import LEASE, WORST_DELIVERY, CardPoster, lease_outlasts_delivery
from bot.views.cards import render_action_card
from storage.db import Database
from tests.listeners.helpers import DEVICE, action, store, values_of
from tests.support.slack_api import SlackApiStandIn


def test_the_lease_outlasts_the_slowest_delivery_of_one_card() -> None:
    assert timedelta(seconds=OUTBOX_TIMEOUT * OUTBOX_ATTEMPTS) == WORST_DELIVERY
    assert lease_outlasts_delivery(LEASE, WORST_DELIVERY)
    assert not lease_outlasts_delivery(timedelta(seconds=30), timedelta(seconds=30))
    assert lease_outlasts_delivery(timedelta(seconds=60), timedelta(seconds=30))


def _poster(db: Database, slack: SlackApiStandIn, lease: timedelta) -> CardPoster:
    client = WebClient(token="xoxb-test", base_url=slack.api_url, timeout=10)
    return CardPoster(
        db,
        SlackChannelMessages(client),
        "C0PENDING01",
        lambda record: render_action_card(record, carried_out_automatically=False),
        lease=lease,
    )


def test_two_posters_with_a_slow_slack_post_each_card_once(
    db: Database, slack_api: SlackApiStandIn
) -> None:
    """Each chat.postMessage takes 0.6 s and a lease lasts 1.5 s: eight cards take ~5 s to post,
    far past one lease, and yet neither poster posts a card that the other holds."""
    refs = store(db, *(action(f"slow-{n}", DEVICE) for n in range(8)))
    slack_api.delays["chat.postMessage"] = 0.6
    posters = [_poster(db, slack_api, timedelta(seconds=1.5)) for _ in range(2)]
    delivered: list[int] = []

    def post_all(poster: CardPoster) -> None:
        while (count := poster.run_once()) > 0:
            delivered.append(count)

    threads = [threading.Thread(target=post_all, args=(p,)) for p in posters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    posts = Counter(values_of(c)[0] for c in slack_api.calls_to("chat.postMessage"))
    assert posts == dict.fromkeys(refs, 1)
    assert sum(delivered) == len(refs)
