"""Who a local role assignment names: an email address or a Slack user ID."""

from __future__ import annotations

import re

_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_subject(text: str) -> str:
    """Email addresses are compared lower-cased; Slack user IDs as Slack writes them."""
    text = text.strip()
    if _SLACK_USER_ID.match(text):
        return text
    if _EMAIL.match(text):
        return text.casefold()
    raise ValueError(f"not an email address or a Slack user ID (U.../W...): {text!r}")
