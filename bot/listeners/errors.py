"""The one global error handler: a listener that fails is logged with its traceback, and the person
who clicked or typed is told that something failed (never the traceback)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.context import BotContext
from bot.views.replies import SOMETHING_FAILED

log = logging.getLogger("actionbot.listeners")


def register(app: App, context: BotContext) -> None:
    @app.error
    def handle_error(error: Exception, body: dict[str, Any]) -> None:
        report_failure(context.client, error, body)


def report_failure(client: WebClient, error: Exception, body: dict[str, Any]) -> None:
    """Log the failure with its traceback; tell the person who clicked or typed, without it."""
    kind = body.get("type") or body.get("command") or "request"
    log.error("a %s listener failed", kind, exc_info=error)
    tell_user_it_failed(client, body)


def tell_user_it_failed(client: WebClient, body: dict[str, Any]) -> None:
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    response_url = body.get("response_url")
    try:
        if user and channel:
            client.chat_postEphemeral(channel=channel, user=user, text=SOMETHING_FAILED)
        elif isinstance(response_url, str) and response_url:
            WebhookClient(response_url).send(text=SOMETHING_FAILED, response_type="ephemeral")
        elif user:
            client.chat_postMessage(channel=user, text=SOMETHING_FAILED)
    except (SlackApiError, OSError) as exc:
        log.warning("could not tell the user that a listener failed: %s", exc)
