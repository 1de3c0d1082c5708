"""What listeners, jobs and web handlers are handed: built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.inflight import RequestsInFlight
from bot.services.identity import ActorResolver
from bot.settings import Settings
from storage.db import Database


@dataclass
class BotContext:
    settings: Settings
    db: Database
    client: WebClient
    """The Web API client with the bot token, pointed at SLACK_API_URL."""
    resolver: ActorResolver
    team_id: str
    """The bot's own Slack team, from auth.test."""
    bot_user_id: str
    requests: RequestsInFlight = field(default_factory=RequestsInFlight)
    """The HTTP requests being answered; work after an ack waits for them (bounded)."""
