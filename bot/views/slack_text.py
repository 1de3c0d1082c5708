"""Small pieces of Slack messages: escaping, dates each reader sees in their own time zone,
mentions, and the ephemeral reply that carries text and blocks together."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block

_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000


@dataclass(frozen=True)
class Reply:
    """One message: `text` is the notification and screen-reader fallback of `blocks`; it is
    plain words (escaped here: Slack reads it as mrkdwn too)."""

    text: str
    blocks: Sequence[Block]

    def payload(self) -> dict[str, Any]:
        """The JSON of the message; to_dict() checks Slack's limits on every block."""
        if len(self.blocks) > MAX_BLOCKS:
            raise ValueError(f"{len(self.blocks)} blocks: Slack allows {MAX_BLOCKS}")
        blocks = [b.to_dict() for b in self.blocks]
        return {"text": escape(one_line(self.text, 3000)), "blocks": blocks}


def escape(text: str) -> str:
    """Text shown as mrkdwn: &, < and > must be escaped so nothing becomes a link or mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str, limit: int) -> str:
    return cut(" ".join(text.split()), limit)


def date(value: datetime) -> str:
    """A moment in Slack's date formatting: each reader sees it in their own time zone."""
    fallback = value.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(value.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def person(who: str | None, email: str | None = None) -> str:
    """A Slack user as a mention; anyone else (the CLI, an API client) by name."""
    if not who:
        return escape(email or "someone")
    if _SLACK_USER_ID.match(who):
        return f"<@{who}>"
    return escape(who)
