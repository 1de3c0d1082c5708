"""Slack's interactive payloads, parsed at the edge into the little the bot uses.

Only fields Slack signs and sends are read (their shapes were checked at the edge, see
bot/listeners/edge.py). The clicker is `user.id` (immutable); their team is `user.team_id` (the
member's own workspace, which differs from `team.id` for an external member of a Slack Connect
channel), else `team.id`. A button's value, like a modal's private_metadata, names an action by
its row (a CardRef: never matched against upstream ids) and grants nothing.
"""

from __future__ import annotations

import json
from typing import Any, Self, TypedDict

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.domain.records import CardRef
from bot.ids import BlockId
from bot.listeners.edge import Channel as _Channel
from bot.listeners.edge import Container as _Container
from bot.listeners.edge import Team as _Team
from bot.listeners.edge import User as _User


class ClickedBy(TypedDict):
    ref: CardRef
    user_id: str
    team_id: str | None


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class _Button(_Payload):
    action_id: str
    value: str = ""


class _FromUser(_Payload):
    """A payload sent on behalf of one Slack user."""

    user: _User
    team: _Team | None = None

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Self:
        return cls.model_validate(body)

    @property
    def user_id(self) -> str:
        return self.user.id

    @property
    def team_id(self) -> str | None:
        return self.user.team_id or (self.team.id if self.team else None)


class ButtonClick(_FromUser):
    """A block_actions payload from a button on an action's card."""

    channel: _Channel | None = None
    container: _Container | None = None
    trigger_id: str | None = None
    actions: list[_Button] = Field(min_length=1)

    @property
    def action_ref(self) -> CardRef:
        return CardRef(self.actions[0].value)

    @property
    def who(self) -> ClickedBy:
        """Which action, clicked by whom: the arguments of the approval services."""
        return {"ref": self.action_ref, "user_id": self.user_id, "team_id": self.team_id}

    @property
    def channel_id(self) -> str | None:
        if self.channel is not None:
            return self.channel.id
        return self.container.channel_id if self.container else None


class _Input(_Payload):
    value: str | None = None


class _State(_Payload):
    values: dict[str, dict[str, _Input]] = Field(default_factory=dict)


class _View(_Payload):
    private_metadata: str = ""
    state: _State = Field(default_factory=_State)


class _RejectMetadata(_Payload):
    action: str
    channel: str | None = None


class RejectSubmission(_FromUser):
    """The reject modal's view_submission: the reason typed, and which action it was about."""

    view: _View

    @property
    def reason(self) -> str:
        block = self.view.state.values.get(BlockId.REJECT_REASON, {})
        typed = block.get(BlockId.REJECT_REASON_INPUT)
        return ((typed.value if typed else None) or "").strip()

    @property
    def metadata(self) -> _RejectMetadata:
        try:
            return _RejectMetadata.model_validate(json.loads(self.view.private_metadata or "{}"))
        except (ValueError, ValidationError):
            return _RejectMetadata(action="")

    @property
    def action_ref(self) -> CardRef:
        return CardRef(self.metadata.action)

    @property
    def who(self) -> ClickedBy:
        return {"ref": self.action_ref, "user_id": self.user_id, "team_id": self.team_id}

    @property
    def channel_id(self) -> str | None:
        return self.metadata.channel
