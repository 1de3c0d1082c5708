"""The shapes of what Slack sends this app, checked before Bolt routes a request.

The app receives slash commands and interactivity (block_actions, view_submission, view_closed);
Slack also sends ssl_check and url_verification. Bolt itself indexes into payloads (the first of
`actions`, a view's `callback_id`) while it routes them, so a verified body of another shape
(`actions: []`, a number for a user id) would raise inside Bolt and reach the error handler. Here
such a body is refused with a 400 and one warning line instead, in HTTP and in Socket Mode alike.
Only the fields Bolt and the listeners read are checked; Slack's other fields pass untouched.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError
from slack_bolt import App, BoltRequest, BoltResponse

log = logging.getLogger(__name__)

SlackId = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True, frozen=True)


class User(_Shape):
    id: SlackId
    team_id: str | None = None


class Team(_Shape):
    id: str | None = None


class Channel(_Shape):
    id: str


class _Element(_Shape):
    action_id: str
    block_id: str | None = None
    value: str | None = None


class Container(_Shape):
    channel_id: str | None = None
    message_ts: str | None = None


class _View(_Shape):
    callback_id: str
    private_metadata: str = ""
    state: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)


class _HomeOrMessageView(_Shape):
    callback_id: str | None = None
    private_metadata: str | None = None


class BlockActions(_Shape):
    type: Literal["block_actions"]
    user: User
    team: Team | None = None
    actions: list[_Element] = Field(min_length=1)
    channel: Channel | None = None
    container: Container | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    view: _HomeOrMessageView | None = None


class ViewPayload(_Shape):
    type: Literal["view_submission", "view_closed"]
    user: User
    team: Team | None = None
    view: _View


class SlashCommand(_Shape):
    command: Annotated[str, StringConstraints(pattern=r"^/")]
    user_id: SlackId
    text: str = ""
    team_id: str | None = None
    channel_id: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None


class SslCheck(_Shape):
    ssl_check: str


class UrlVerification(_Shape):
    type: Literal["url_verification"]
    challenge: str


_INTERACTIVE = TypeAdapter(
    Annotated[BlockActions | ViewPayload | UrlVerification, Field(discriminator="type")]
)


def shape_problem(body: Any) -> str | None:
    """Why `body` is not a payload this app could have been sent, or None when it is."""
    if not isinstance(body, dict):
        return "not an object"
    try:
        if "type" in body:
            _INTERACTIVE.validate_python(body)
        elif "command" in body:
            SlashCommand.model_validate(body)
        elif "ssl_check" in body:
            SslCheck.model_validate(body)
        else:
            return "neither a slash command nor an interaction"
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "(payload)"
        return f"{where}: {first['msg']}"
    return None


class ActionbotApp(App):
    """Bolt's App, refusing payloads of shapes Slack would not send before it routes them."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        problem = shape_problem(req.body)
        if problem is not None:
            log.warning("refused a Slack payload of an unexpected shape (%s)", problem[:200])
            return BoltResponse(status=400, body="")
        return super().dispatch(req)
