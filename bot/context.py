"""What listeners, jobs and web handlers are handed: built once by the composition root."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.doorbell import Doorbell
from bot.inflight import RequestsInFlight
from bot.integrations.slack_files import DirectMessageFiles
from bot.services.identity import ActorResolver
from bot.services.posting import CardPoster
from bot.settings import Settings
from bot.work_pool import WorkPool
from storage.db import Database


@dataclass
class BotContext:
    settings: Settings
    db: Database
    client: WebClient
    """The Web API client of clicks and commands, with the bot token, pointed at SLACK_API_URL:
    short time-outs and Slack's retries (see integrations.slack_clients)."""
    resolver: ActorResolver
    team_id: str
    """The bot's own Slack team, from auth.test."""
    bot_user_id: str
    requests: RequestsInFlight
    """The requests being answered (HTTP, or Socket Mode envelopes); work after an ack waits
    for them (bounded)."""
    lookup_work: WorkPool
    """Where each clicker is looked up after the ack (users.info, the role source): wide, since
    its threads mostly wait on other systems."""
    click_work: WorkPool
    """Where clicks and submissions are decided and their cards updated: narrow, since this is
    the work that competes with acks for the GIL."""
    command_work: WorkPool
    """Where `/actions` is answered after its ack (an export can take minutes)."""
    outbox_client: WebClient
    """The Web API client that posts and updates cards (see integrations.slack_clients)."""
    card_poster: Callable[[], CardPoster]
    """A new card poster on outbox_client (one for clicks, one for the schedule: each holds
    back on its own when Slack rate-limits it)."""
    direct_files: DirectMessageFiles
    """Delivers exports to one person in a DM, with `client`."""
    stopping: threading.Event = field(default_factory=threading.Event)
    """Set when the bot stops: periodic work ends its round instead of talking to Slack."""
    cards_owed: Doorbell = field(default_factory=Doorbell)
    """Rung when actions arrive in this process, so the card poster posts them at once."""
