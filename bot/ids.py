"""Every action_id, callback_id and block_id the bot uses, shared by views and listeners."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """action_id of interactive elements."""

    APPROVE = "actionbot.approve"
    REJECT = "actionbot.reject"
    LISTING_PREVIOUS = "actionbot.listing.previous"
    LISTING_NEXT = "actionbot.listing.next"


class CallbackId(StrEnum):
    """callback_id of modals."""

    REJECT_REASON = "actionbot.reject_reason"


class BlockId(StrEnum):
    REJECT_REASON = "actionbot.reject_reason.block"
    REJECT_REASON_INPUT = "actionbot.reject_reason.input"


class CardBlockId(StrEnum):
    """block_id of the parts of an action's card."""

    SUMMARY = "actionbot.card.summary"
    FIELDS = "actionbot.card.fields"
    BUTTONS = "actionbot.card.buttons"
    OUTCOME = "actionbot.card.outcome"
