"""Slack request signing (v0): how Slack signs what it sends to the app."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str,
    body: bytes,
    *,
    timestamp: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(secret, ts, body),
    }


def interaction_body(payload: dict[str, Any]) -> bytes:
    """Interactivity (block_actions, view_submission) arrives as a form field `payload`."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def command_body(fields: dict[str, str]) -> bytes:
    """Slash commands arrive as a flat form."""
    return urlencode(fields).encode()
