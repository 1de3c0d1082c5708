"""The bot's two Web API clients, each with the time-outs and retries its callers need.

- The interactive client serves clicks, submissions and `/actions` (users.info, chat.postEphemeral,
  views.open, response_url, the export's upload calls): each call gives up after
  ACTIONBOT_SLACK_TIMEOUT seconds, so one hung call delays only its own click, and a 429 or a 5xx
  is retried by slack_sdk's own handlers (after Retry-After, when that wait fits a click).
- The outbox client posts and updates cards. It does not retry by itself: the card poster keeps
  each failure in the database (post_not_before), so a wait survives a restart, and a time-out
  long enough that a slow Slack is not mistaken for a failed post (which would post it twice).
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.integrations.slack_client import CountedWebClient
from bot.settings import Settings

OUTBOX_TIMEOUT = 30.0
"""Seconds a card post may take; the poster's lease (services.posting.LEASE) outlasts it."""
OUTBOX_ATTEMPTS = 2
"""The outbox client's attempts per call: slack_sdk's connection-error retry, once."""
RATE_LIMIT_RETRIES = 2
LONGEST_RATE_LIMIT_WAIT = 10.0
"""A click waits out a Retry-After up to this long; a longer one ends the click with Slack's
reason (the user is told it was Slack, and may click again)."""


class ClickSizedRateLimitRetry(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, for waits a person would sit through."""

    def _can_retry(
        self, *, state: Any, request: Any, response: Any = None, error: Any = None
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        return retry_after_seconds(response.headers) <= LONGEST_RATE_LIMIT_WAIT


def retry_after_seconds(headers: dict[str, Any]) -> float:
    """Retry-After as seconds (Slack sends whole seconds; a missing or odd value counts as 1)."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list) and value else value
            try:
                return max(0.0, float(first))
            except (TypeError, ValueError):
                return 1.0
    return 1.0


def interactive_retry_handlers() -> list[RetryHandler]:
    return [
        ConnectionErrorRetryHandler(max_retry_count=1),
        ClickSizedRateLimitRetry(max_retry_count=RATE_LIMIT_RETRIES),
        ServerErrorRetryHandler(max_retry_count=1),
    ]


def _token(settings: Settings) -> str | None:
    return settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None


def interactive_client(settings: Settings) -> WebClient:
    return CountedWebClient(
        token=_token(settings),
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,
        retry_handlers=interactive_retry_handlers(),
    )


def outbox_client(settings: Settings) -> WebClient:
    return CountedWebClient(
        token=_token(settings),
        base_url=settings.slack_api_url,
        timeout=int(OUTBOX_TIMEOUT),
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=OUTBOX_ATTEMPTS - 1)],
    )
