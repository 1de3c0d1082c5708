"""Posting and updating the bot's channel messages, with Slack's failures sorted into what the
caller can do about them: wait (RateLimited), try again later (SlackDown), or give up (Refused)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

_TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)
GONE_ERRORS = frozenset(
    {"message_not_found", "cant_update_message", "edit_window_closed", "channel_not_found"}
)
"""chat.update errors after which the card can never be updated (it was deleted, say)."""


class SlackFailure(Exception):
    """A Slack call did not succeed; `reason` is Slack's error code or the transport's message."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class RateLimited(SlackFailure):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"rate limited; retry after {retry_after:g}s")


class SlackDown(SlackFailure):
    """A server error, a time-out or no connection: worth trying again after a while."""


class Refused(SlackFailure):
    """Slack refused the call for a reason that retrying will not change (channel_not_found...)."""


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


class ChannelMessages(Protocol):
    def post(self, channel: str, text: str, blocks: list[dict[str, Any]]) -> Posted: ...

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> None: ...


class SlackChannelMessages:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]]) -> Posted:
        with _sorted_failures():
            response = self.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
            )
        return Posted(str(response["channel"]), str(response["ts"]))

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> None:
        with _sorted_failures():
            self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)


@contextmanager
def _sorted_failures() -> Iterator[None]:
    try:
        yield
    except SlackApiError as exc:
        answer = exc.response
        raise classify(answer.status_code, answer.headers, answer.get("error")) from None
    except (OSError, ValueError) as exc:  # no connection, a time-out, a body that is not JSON
        raise SlackDown(f"{type(exc).__name__}: {exc}") from None


def classify(status: int, headers: Any, error: Any) -> SlackFailure:
    """Sort a failed Web API answer: 429 waits Retry-After, 5xx and transient errors retry."""
    if status == 429 or error == "ratelimited":
        return RateLimited(_retry_after(headers))
    if status >= 500 or error in _TRANSIENT_ERRORS:
        return SlackDown(f"HTTP {status}: {error}")
    return Refused(str(error or f"HTTP {status}"))


def _retry_after(headers: Any) -> float:
    value = None
    if headers:
        value = headers.get("Retry-After") or headers.get("retry-after")
        if isinstance(value, list):
            value = value[0] if value else None
    try:
        return max(1.0, float(value)) if value is not None else 30.0
    except ValueError:
        return 30.0
