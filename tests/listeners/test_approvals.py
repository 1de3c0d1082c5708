"""Approve and Reject over the wire: Slack-signed clicks sent over HTTP to the running bot, which
talks to the Slack Web API stand-in and a real database."""

from __future__ import annotations

import time

import pytest

from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.ids import ActionId, BlockId
from bot.views.cards import NOT_CARRIED_OUT
from bot.views.replies import SOMETHING_FAILED
from tests.listeners.clicks import button_click, reject_submission
from tests.listeners.helpers import (
    DEVICE,
    EMAIL,
    action,
    current,
    grant,
    posted_card,
    store,
    text_of,
    trail,
    values_of,
)
from tests.support.running_bot import CHANNEL, BotUnderTest
from tests.support.slack_api import SlackApiStandIn

ANN, BOB = "U0ANN00001", "U0BOB00002"


def _approver(bot: BotUnderTest, slack: SlackApiStandIn, user: str, *roles: Role) -> None:
    email = f"{user.lower()}@example.com"
    slack.people[user] = email
    grant(bot.db, email, roles)


@pytest.mark.parametrize(
    ("template", "role"),
    [(DEVICE, Role.ACTIVE_REMEDIATION_ACTIONS), (EMAIL, Role.GLOBAL_ADMINISTRATOR)],
    ids=["device", "email"],
)
def test_approve_updates_the_card_in_place(
    bot: BotUnderTest, slack_api: SlackApiStandIn, template: dict[str, object], role: Role
) -> None:
    (ref,) = store(bot.db, action("up-1", template))
    card = posted_card(bot.db, ref)
    post = slack_api.calls_to("chat.postMessage")[0]
    assert post.params["channel"] == CHANNEL
    assert values_of(post) == [ref, ref]
    _approver(bot, slack_api, ANN, role)

    answer = bot.send_interaction(button_click(ActionId.APPROVE, ref, user=ANN))

    assert answer.status == 200
    (update,) = slack_api.wait_for("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (CHANNEL, card.slack_ts)
    assert values_of(update) == []  # the buttons are gone
    assert f"<@{ANN}>" in text_of(update)
    assert "was approved" in text_of(update)
    assert NOT_CARRIED_OUT.split(":")[0] in text_of(update)
    decided = current(bot.db, ref)
    assert (decided.status, decided.decided_by) == (Status.APPROVED, ANN)
    assert decided.decided_by_email == f"{ANN.lower()}@example.com"
    (approved,) = [e for e in trail(bot.db, ref) if e.kind == "approved"]
    assert approved.roles == (role.value,)
    time.sleep(0.6)  # the poster must not update the card a second time
    assert len(slack_api.calls_to("chat.update")) == 1
    assert slack_api.calls_to("chat.postEphemeral") == []


@pytest.mark.parametrize(
    ("template", "roles"),
    [
        (DEVICE, [Role.SECURITY_ADMINISTRATOR]),
        (EMAIL, [Role.SECURITY_ADMINISTRATOR, Role.SEARCH_AND_PURGE]),
    ],
    ids=["device", "email"],
)
def test_reject_asks_for_a_reason_and_records_it(
    bot: BotUnderTest, slack_api: SlackApiStandIn, template: dict[str, object], roles: list[Role]
) -> None:
    (ref,) = store(bot.db, action("up-1", template))
    card = posted_card(bot.db, ref)
    _approver(bot, slack_api, BOB, *roles)

    assert bot.send_interaction(button_click(ActionId.REJECT, ref, user=BOB)).status == 200
    (opened,) = slack_api.wait_for("views.open")
    assert opened.params["trigger_id"] == f"1337.{BOB}.trigger"
    assert current(bot.db, ref).status is Status.PENDING  # nothing is decided before the reason

    empty = bot.send_interaction(reject_submission(ref, "   ", user=BOB))
    assert empty.status == 200
    assert empty.json()["response_action"] == "errors"
    assert BlockId.REJECT_REASON in empty.json()["errors"]
    assert current(bot.db, ref).status is Status.PENDING

    done = bot.send_interaction(reject_submission(ref, "False positive <b>", user=BOB))
    assert done.status == 200
    (update,) = slack_api.wait_for("chat.update")
    assert update.params["ts"] == card.slack_ts
    assert values_of(update) == []
    assert "was rejected" in text_of(update)
    assert "False positive &lt;b&gt;" in text_of(update)
    rejected = current(bot.db, ref)
    assert (rejected.status, rejected.decided_by, rejected.comment) == (
        Status.REJECTED,
        BOB,
        "False positive <b>",
    )


def test_a_late_click_is_told_who_decided_and_when(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    (ref,) = store(bot.db, action("up-1", DEVICE))
    posted_card(bot.db, ref)
    _approver(bot, slack_api, ANN, Role.GLOBAL_ADMINISTRATOR)
    _approver(bot, slack_api, BOB, Role.GLOBAL_ADMINISTRATOR)
    bot.send_interaction(button_click(ActionId.APPROVE, ref, user=ANN))
    slack_api.wait_for("chat.update")

    bot.send_interaction(button_click(ActionId.REJECT, ref, user=BOB))

    (reply,) = slack_api.wait_for("chat.postEphemeral")
    assert reply.params["user"] == BOB
    assert reply.params["channel"] == CHANNEL
    assert f"<@{ANN}> approved it <!date^" in reply.params["text"]
    assert slack_api.calls_to("views.open") == []
    assert current(bot.db, ref).status is Status.APPROVED
    assert [e.kind for e in trail(bot.db, ref)][-1] == "too-late"


def test_a_refused_reject_opens_no_modal(bot: BotUnderTest, slack_api: SlackApiStandIn) -> None:
    (ref,) = store(bot.db, action("up-1", EMAIL))
    posted_card(bot.db, ref)
    _approver(bot, slack_api, ANN, Role.ACTIVE_REMEDIATION_ACTIONS)

    bot.send_interaction(button_click(ActionId.REJECT, ref, user=ANN))

    (reply,) = slack_api.wait_for("chat.postEphemeral")
    assert "Global Administrator" in reply.params["text"]
    assert slack_api.calls_to("views.open") == []
    assert current(bot.db, ref).status is Status.PENDING


def test_roles_revoked_while_the_modal_was_open_are_refused(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    from bot.services import roles as role_service

    (ref,) = store(bot.db, action("up-1", DEVICE))
    posted_card(bot.db, ref)
    _approver(bot, slack_api, ANN, Role.SECURITY_ADMINISTRATOR)
    bot.send_interaction(button_click(ActionId.REJECT, ref, user=ANN))
    slack_api.wait_for("views.open")
    role_service.revoke(bot.db, f"{ANN.lower()}@example.com", list(Role), actor="test")

    bot.send_interaction(reject_submission(ref, "not needed", user=ANN))

    (reply,) = slack_api.wait_for("chat.postEphemeral")
    assert "You need" in reply.params["text"]
    assert current(bot.db, ref).status is Status.PENDING
    assert slack_api.calls_to("chat.update") == []


def test_an_unknown_or_tampered_action_reference_changes_nothing(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    (ref,) = store(bot.db, action("up-1", DEVICE))
    posted_card(bot.db, ref)
    _approver(bot, slack_api, ANN, Role.GLOBAL_ADMINISTRATOR)

    for value in ("A-999999", "'; DROP TABLE actions; --", "x" * 3000):
        bot.send_interaction(button_click(ActionId.APPROVE, value, user=ANN))

    replies = slack_api.wait_for("chat.postEphemeral", 3)
    assert all("does not know" in r.params["text"] for r in replies)
    assert current(bot.db, ref).status is Status.PENDING
    assert slack_api.calls_to("chat.update") == []


def test_a_click_from_another_team_is_refused_and_audited(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    (ref,) = store(bot.db, action("up-1", DEVICE))
    posted_card(bot.db, ref)
    _approver(bot, slack_api, ANN, Role.GLOBAL_ADMINISTRATOR)

    bot.send_interaction(button_click(ActionId.APPROVE, ref, user=ANN, team="T0OTHERTEAM"))

    (reply,) = slack_api.wait_for("chat.postEphemeral")
    assert "T0OTHERTEAM is not allowed" in reply.params["text"]
    assert current(bot.db, ref).status is Status.PENDING
    assert slack_api.calls_to("users.info") == []  # refused before anyone is looked up
    refused = trail(bot.db, ref)[-1]
    assert (refused.kind, refused.actor) == ("refused", ANN)
    assert "T0OTHERTEAM" in (refused.reason or "")


@pytest.mark.parametrize("how", ["forged", "stale"])
def test_unsigned_or_stale_clicks_get_401_and_change_nothing(
    bot: BotUnderTest, slack_api: SlackApiStandIn, how: str
) -> None:
    (ref,) = store(bot.db, action("up-1", DEVICE))
    posted_card(bot.db, ref)
    _approver(bot, slack_api, ANN, Role.GLOBAL_ADMINISTRATOR)
    before = len(trail(bot.db, ref))
    click = button_click(ActionId.APPROVE, ref, user=ANN)

    if how == "forged":
        answer = bot.send_interaction(click, secret="not-the-signing-secret")
    else:
        answer = bot.send_interaction(click, timestamp=int(time.time()) - 5 * 60 - 30)

    assert answer.status == 401
    time.sleep(0.3)
    assert current(bot.db, ref).status is Status.PENDING
    assert len(trail(bot.db, ref)) == before
    assert {c.method for c in slack_api.calls} <= {"auth.test", "chat.postMessage"}


def test_a_listener_failure_is_logged_and_the_user_told(
    bot: BotUnderTest, slack_api: SlackApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    (short_id,) = store(bot.db, action("mde-1", DEVICE))
    _approver(bot, slack_api, ANN, Role.SECURITY_ADMINISTRATOR)
    slack_api.fail_next("views.open", status=200, error="invalid_arguments")

    answer = bot.send_interaction(button_click(ActionId.REJECT, short_id, user=ANN))

    assert answer.status == 200
    (reply,) = slack_api.wait_for("chat.postEphemeral")
    assert (reply.params["user"], reply.params["channel"]) == (ANN, CHANNEL)
    assert reply.params["text"] == SOMETHING_FAILED
    assert any("listener failed" in r.getMessage() and r.exc_info for r in caplog.records)
    assert current(bot.db, "mde-1").status is Status.PENDING
