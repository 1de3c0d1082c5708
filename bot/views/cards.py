"""An action's card in the channel: what it is, and either the buttons or what became of it.

Pure: an ActionRecord in, Block Kit out (slack_sdk's models check Slack's limits in `to_dict`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.domain.records import ActionRecord
from bot.domain.roles import Act, Role, required_for
from bot.domain.statuses import Status
from bot.ids import ActionId, CardBlockId
from bot.views.slack_text import cut, escape, person
from bot.views.slack_text import date as slack_date

_FIELD_LIMIT = 1900  # a section field holds 2000 characters; keep room for the label

_HEADLINE = {
    Status.PENDING: ":large_orange_circle: *{type}* is waiting for approval",
    Status.APPROVED: ":white_check_mark: *{type}* was approved",
    Status.REJECTED: ":no_entry_sign: *{type}* was rejected",
    Status.IN_PROGRESS: ":hourglass_flowing_sand: *{type}* is in progress",
    Status.COMPLETED: ":white_check_mark: *{type}* completed",
    Status.FAILED: ":x: *{type}* failed",
    Status.CANCELLED: ":heavy_multiplication_x: *{type}* was cancelled",
    Status.EXPIRED: ":zzz: *{type}* expired without a decision",
    Status.UNDONE: ":leftwards_arrow_with_hook: *{type}* was undone",
}

NOT_CARRIED_OUT = (
    "Not carried out automatically: no executor is configured (ACTIONBOT_EXECUTOR=none). "
    "Carry it out in the Microsoft 365 Defender portal's Action center."
)


@dataclass(frozen=True)
class Card:
    text: str
    """The notification and fallback text."""
    blocks: list[Block]

    def blocks_json(self) -> list[dict[str, Any]]:
        return [b.to_dict() for b in self.blocks]


def render_action_card(action: ActionRecord, *, carried_out_automatically: bool) -> Card:
    """The card for the action as it stands now: buttons while pending, the outcome after."""
    type_name = action.type.display_name
    blocks: list[Block] = [
        SectionBlock(
            block_id=CardBlockId.SUMMARY,
            text=MarkdownTextObject(text=_HEADLINE[action.status].format(type=type_name)),
        ),
        SectionBlock(block_id=CardBlockId.FIELDS, fields=_fields(action)),
    ]
    if action.status is Status.PENDING:
        blocks += [_who_may_decide(action), _buttons(action)]
    else:
        blocks.append(_outcome(action, carried_out_automatically))
    return Card(_fallback(action), blocks)


def _fields(action: ActionRecord) -> list[MarkdownTextObject]:
    pairs = [
        ("Target", action.target_summary),
        ("Source", action.source.display_name),
        ("Investigation", action.investigation_id or "—"),
        ("ID", action.short_id),
    ]
    fields = [MarkdownTextObject(text=f"*{k}*\n{escape(cut(v, _FIELD_LIMIT))}") for k, v in pairs]
    fields.insert(3, MarkdownTextObject(text=f"*Arrived*\n{slack_date(action.created_at)}"))
    if action.requested_by:
        requested = escape(cut(action.requested_by, _FIELD_LIMIT))
        fields.append(MarkdownTextObject(text=f"*Requested by*\n{requested}"))
    return fields


def _who_may_decide(action: ActionRecord) -> ContextBlock:
    options = required_for(Act.APPROVE, action.type.category)
    order = list(Role).index
    names = ", or ".join(
        " together with ".join(r.display_name for r in sorted(alt, key=order)) for alt in options
    )
    return ContextBlock(
        elements=[
            MarkdownTextObject(
                text=f"Approving or rejecting {_an(action.type.category)} action needs {names}."
            )
        ]
    )


def _buttons(action: ActionRecord) -> ActionsBlock:
    """The value names the action; it grants nothing (roles are checked at the click)."""
    confirm = None
    if action.type.irreversible:
        confirm = ConfirmObject(
            title=PlainTextObject(text="Approve this action?"),
            text=MarkdownTextObject(
                text=cut(
                    f"*{action.type.display_name}* on {escape(action.target_summary)} "
                    "cannot be undone from the Action center. Approve it?",
                    290,
                )
            ),
            confirm=PlainTextObject(text="Approve"),
            deny=PlainTextObject(text="Cancel"),
            style="danger",
        )
    return ActionsBlock(
        block_id=CardBlockId.BUTTONS,
        elements=[
            ButtonElement(
                text=PlainTextObject(text="Approve"),
                action_id=ActionId.APPROVE,
                value=action.short_id,
                style="primary",
                confirm=confirm,
            ),
            ButtonElement(
                text=PlainTextObject(text="Reject"),
                action_id=ActionId.REJECT,
                value=action.short_id,
                style="danger",
            ),
        ],
    )


def _outcome(action: ActionRecord, carried_out_automatically: bool) -> SectionBlock:
    lines: list[str] = []
    if action.status in (Status.APPROVED, Status.REJECTED) or action.decided_by:
        decision = _decision_word(action)
        when = f" {slack_date(action.decided_at)}" if action.decided_at else ""
        lines.append(f"{decision} by {person(action.decided_by)}{when}")
    if action.comment:
        label = "Reason" if _decision_word(action) == "Rejected" else "Comment"
        lines.append(f"{label}: {escape(cut(action.comment, 1500))}")
    if action.status not in (Status.APPROVED, Status.REJECTED, Status.PENDING):
        lines.append(f"Status: *{action.status.value}* since {slack_date(action.updated_at)}")
    if action.status_detail:
        lines.append(escape(cut(action.status_detail, 500)))
    if action.status is Status.APPROVED and not carried_out_automatically:
        lines.append(NOT_CARRIED_OUT)
    return SectionBlock(
        block_id=CardBlockId.OUTCOME, text=MarkdownTextObject(text=cut("\n".join(lines), 2900))
    )


def _decision_word(action: ActionRecord) -> str:
    """What the person decided: rejected, or approved (the status may have moved on since)."""
    if action.status is Status.REJECTED:
        return "Rejected"
    return "Approved"


def _fallback(action: ActionRecord) -> str:
    target = escape(cut(action.target_summary, 200))
    if action.status is Status.PENDING:
        return f"{action.type.display_name} on {target} is waiting for approval ({action.short_id})"
    return f"{action.type.display_name} on {target}: {action.status.value} ({action.short_id})"


def _an(word: str) -> str:
    """The word with its indefinite article: "a device", "an email"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
