"""A card's buttons name exactly the action on that card: an upstream id crafted to look like a
short id (anything that can ingest can send one) never redirects them. Typed ids keep the
contract's rule (an exact upstream id first)."""

from __future__ import annotations

from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.ids import ActionId
from tests.listeners.clicks import button_click, reject_submission
from tests.listeners.helpers import current, grant, posted_card, values_of
from tests.support.running_bot import BotUnderTest
from tests.support.slack_api import SlackApiStandIn
from tests.web.api_helpers import send

ANN = "U0ANN00001"
DEV_2 = {
    "id": "p-2",
    "type": "isolate-device",
    "source": "automated-device-action",
    "target": {"device_name": "DEV-2"},
}


def _plant_a_colliding_id(bot: BotUnderTest, short_id: str) -> None:
    """What an attacker with the ingest token sends: an action whose upstream id is another
    action's short id, and which would be much worse to approve by mistake."""
    crafted = {
        "id": short_id,
        "type": "offboard-machine",
        "source": "manual-device-action",
        "target": {"device_name": "CEO-LAPTOP"},
    }
    assert send(bot, crafted).status == 200


def _admin(bot: BotUnderTest, slack: SlackApiStandIn) -> None:
    slack.people[ANN] = "ann@example.com"
    grant(bot.db, "ann@example.com", [Role.SECURITY_ADMINISTRATOR])


def test_approve_on_a_card_approves_that_card_s_action(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    (short_id,) = send(bot, DEV_2).json()["ids"]
    card = slack_api.wait_for("chat.postMessage")[0]
    assert short_id in values_of(card)
    _plant_a_colliding_id(bot, short_id)
    _admin(bot, slack_api)
    dev_2_ts = posted_card(bot.db, "p-2").slack_ts
    assert posted_card(bot.db, short_id).slack_ts != dev_2_ts

    assert bot.send_interaction(button_click(ActionId.APPROVE, short_id, user=ANN)).status == 200

    (update,) = slack_api.wait_for("chat.update")
    assert update.params["ts"] == dev_2_ts
    assert current(bot.db, "p-2").status is Status.APPROVED
    assert current(bot.db, short_id).upstream_id == short_id  # the exact upstream id, typed
    assert current(bot.db, short_id).status is Status.PENDING


def test_the_reject_modal_rejects_that_card_s_action(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    (short_id,) = send(bot, DEV_2).json()["ids"]
    _plant_a_colliding_id(bot, short_id)
    _admin(bot, slack_api)
    dev_2_ts = posted_card(bot.db, "p-2").slack_ts
    posted_card(bot.db, short_id)

    answer = bot.send_interaction(reject_submission(short_id, "false positive", user=ANN))
    assert answer.status == 200
    (update,) = slack_api.wait_for("chat.update")
    assert update.params["ts"] == dev_2_ts

    assert current(bot.db, "p-2").status is Status.REJECTED
    assert current(bot.db, short_id).status is Status.PENDING


def test_a_button_value_the_bot_never_wrote_names_no_action(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    send(bot, DEV_2)
    _admin(bot, slack_api)
    for value in ("p-2", " A-1", "a-1", "A-01", "A-1 "):
        bot.send_interaction(button_click(ActionId.APPROVE, value, user=ANN))
    replies = slack_api.wait_for("chat.postEphemeral", count=5)
    assert all("actionbot does not know" in str(r.params["text"]) for r in replies), replies
    assert current(bot.db, "p-2").status is Status.PENDING
