"""Small helpers for Slack's mrkdwn: escaping, dates in each reader's time zone, mentions."""

from __future__ import annotations

import re
from datetime import datetime

from bot.views.columns import iso

_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def escape(text: str) -> str:
    """Escape the three characters Slack parses as markup (so `<!channel>` in a subject line
    stays text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_date(moment: datetime, tokens: str = "{date_short_pretty} {time}") -> str:
    """A time every reader sees in their own time zone; the ISO UTC time is the fallback."""
    return f"<!date^{int(moment.timestamp())}^{tokens}|{iso(moment)}>"


def who(actor: str | None) -> str:
    """A Slack user as a mention; any other actor (cli:alice, the ingest API) as plain text."""
    if not actor:
        return "someone"
    return f"<@{actor}>" if _SLACK_USER_ID.match(actor) else escape(actor)
