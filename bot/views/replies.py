"""What the bot says to one person after a click: ephemeral replies and the reject modal. Pure."""

from __future__ import annotations

import json
from datetime import datetime

from slack_sdk.models.blocks import (
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.records import ActionRecord
from bot.domain.roles import Verdict
from bot.domain.statuses import Status
from bot.ids import BlockId, CallbackId
from bot.views.slack_text import cut, escape, person
from bot.views.slack_text import date as slack_date

REASON_MAX = 1000


def refused(verdict: Verdict) -> str:
    """Names only what the user lacks (permission is checked before anything else is said)."""
    return f":no_entry: {verdict.explain()} Nothing was changed."


def not_allowed(reason: str) -> str:
    return f":no_entry: {escape(reason)}. Nothing was changed."


def click_applied_late(short_id: str, decision: Status, clicked_at: datetime) -> str:
    """A click acked just before the bot restarted, decided after it (services.clicks)."""
    verb = "approval" if decision is Status.APPROVED else "rejection"
    return (
        f"Your {verb} of {escape(short_id)}, clicked {slack_date(clicked_at)} just before"
        " actionbot restarted, has now been applied."
    )


def click_not_applied(short_id: str, decision: Status, clicked_at: datetime) -> str:
    """A click acked just before the bot went down for too long (services.clicks)."""
    button = "Approve" if decision is Status.APPROVED else "Reject"
    return (
        f":warning: Your click on {button} for {escape(short_id)} {slack_date(clicked_at)}"
        " reached actionbot just before it went down, and was not applied. Nothing was"
        " changed; click again if it is still needed."
    )


def already_decided(action: ActionRecord) -> str:
    if action.status is Status.EXPIRED:
        when = slack_date(action.decided_at or action.updated_at)
        return f"{action.short_id} is no longer pending: it expired {when} without a decision."
    verb = "rejected" if action.status is Status.REJECTED else "approved"
    when = f" {slack_date(action.decided_at)}" if action.decided_at else ""
    now = "" if action.status in (Status.APPROVED, Status.REJECTED) else f" (now {action.status})"
    return (
        f"{action.short_id} is no longer pending: {person(action.decided_by)} {verb} it{when}{now}."
    )


def not_found(ref: str) -> str:
    return (
        f":warning: This button names an action actionbot does not know ({escape(cut(ref, 60))}). "
        "Nothing was changed."
    )


SOMETHING_FAILED = (
    ":warning: Something went wrong on actionbot's side and your request may not have been "
    "applied. Please try again; if it keeps failing, tell the bot's operators."
)


def reason_missing() -> str:
    return "Please say why you reject this action."


def reject_modal(action: ActionRecord, channel_id: str | None) -> View:
    """Asks for the reason; private_metadata carries the action's short id (it grants nothing)."""
    summary = (
        f"Reject *{action.type.display_name}* on {escape(cut(action.target_summary, 500))} "
        f"({action.short_id})?"
    )
    return View(
        type="modal",
        callback_id=CallbackId.REJECT_REASON,
        title=PlainTextObject(text="Reject action"),
        submit=PlainTextObject(text="Reject"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({"action": action.short_id, "channel": channel_id}),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=summary)),
            InputBlock(
                block_id=BlockId.REJECT_REASON,
                label=PlainTextObject(text="Reason"),
                element=PlainTextInputElement(
                    action_id=BlockId.REJECT_REASON_INPUT,
                    multiline=True,
                    max_length=REASON_MAX,
                    placeholder=PlainTextObject(text="Why should this action not be carried out?"),
                ),
            ),
        ],
    )
