"""Slack's real interactive payload shapes (tests/listeners/payloads), filled in for one click."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from bot.ids import ActionId, BlockId, CallbackId
from tests.support.running_bot import CHANNEL
from tests.support.slack_api import TEAM_ID

_HERE = Path(__file__).parent / "payloads"
_BUTTON = json.loads((_HERE / "block_actions.button.json").read_text())
_SUBMISSION = json.loads((_HERE / "view_submission.json").read_text())
MESSAGE_TS = "1700000001.000100"


def button_click(
    action_id: ActionId | str,
    value: str,
    *,
    user: str,
    team: str = TEAM_ID,
    channel: str = CHANNEL,
    message_ts: str = MESSAGE_TS,
    response_url: str = "https://hooks.slack.com/actions/T/1/x",
) -> dict[str, Any]:
    """A block_actions payload: `user` clicked the button `action_id` whose value is `value`."""
    body = copy.deepcopy(_BUTTON)
    body["user"].update(id=user, username=user.lower(), name=user.lower(), team_id=team)
    body["team"].update(id=team, enterprise_id=None, enterprise_name=None)
    body["container"].update(channel_id=channel, message_ts=message_ts, is_ephemeral=False)
    body["channel"].update(id=channel, name="security-approvals")
    body["response_url"] = response_url
    body["trigger_id"] = f"1337.{user}.trigger"
    body["actions"][0].update(action_id=str(action_id), block_id="actionbot.card.buttons")
    body["actions"][0]["value"] = value
    body["actions"][0]["text"]["text"] = "Approve" if action_id == ActionId.APPROVE else "Reject"
    return body  # type: ignore[no-any-return]


def reject_submission(
    short_id: str,
    reason: str | None,
    *,
    user: str,
    team: str = TEAM_ID,
    channel: str | None = CHANNEL,
) -> dict[str, Any]:
    """The reject modal's view_submission, as Slack sends it when `user` presses Reject."""
    body = copy.deepcopy(_SUBMISSION)
    body["user"].update(id=user, username=user.lower(), name=user.lower(), team_id=team)
    body["team"].update(id=team, enterprise_id=None, enterprise_name=None)
    view = body["view"]
    view.update(
        team_id=team,
        callback_id=str(CallbackId.REJECT_REASON),
        private_metadata=json.dumps({"action": short_id, "channel": channel}),
        app_installed_team_id=team,
    )
    view["blocks"][0].update(block_id=str(BlockId.REJECT_REASON))
    view["blocks"][0]["element"]["action_id"] = str(BlockId.REJECT_REASON_INPUT)
    value = {"type": "plain_text_input", "value": reason}
    view["state"]["values"] = {
        str(BlockId.REJECT_REASON): {str(BlockId.REJECT_REASON_INPUT): value}
    }
    return body  # type: ignore[no-any-return]
