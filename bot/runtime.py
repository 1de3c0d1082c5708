"""The composition root of `actionbot run`: settings -> database, Slack client, Bolt app,
web routes and periodic jobs, wired once and handed down."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from flask import Blueprint
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.context import BotContext
from bot.domain.records import ActionRecord
from bot.inflight import RequestsInFlight
from bot.integrations.executors import executor_for
from bot.integrations.role_sources import CachedRoleSource, LocalRoleSource
from bot.integrations.slack_clients import interactive_client, outbox_client
from bot.integrations.slack_files import SlackDirectMessageFiles
from bot.integrations.slack_messages import SlackChannelMessages
from bot.integrations.slack_people import SlackPeople
from bot.listeners import register_all
from bot.listeners.edge import ActionbotApp
from bot.listeners.errors import report_failure
from bot.services import roles as role_service
from bot.services.identity import ActorResolver
from bot.services.posting import CardPoster
from bot.settings import Settings
from bot.views.cards import Card, render_action_card
from bot.web import api, docs, health, metrics
from bot.web.http import web_app
from bot.web.slack_events import slack_events
from bot.web.slack_verification import SlackRequestVerification
from bot.work_pool import WorkPool
from storage.db import Database

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

log = logging.getLogger(__name__)

LISTENER_THREADS = 48
LOOKUP_THREADS = 32
"""Clickers looked up at once (bench.clicks --slow-every measures why: a slow users.info)."""


class SlackUnavailable(RuntimeError):
    """Slack refused the bot token, or could not be reached, at start-up."""


@dataclass
class Runtime:
    context: BotContext
    bolt: App
    web: WSGIApplication


def who_am_i(client: WebClient) -> tuple[str, str]:
    """The bot's team ID and user ID (auth.test); raises SlackUnavailable with Slack's reason."""
    try:
        response = client.auth_test()
    except SlackApiError as exc:
        raise SlackUnavailable(
            f"Slack refused SLACK_BOT_TOKEN: {exc.response.get('error')}"
        ) from None
    except OSError as exc:
        raise SlackUnavailable(f"cannot reach Slack at {client.base_url}: {exc}") from None
    return str(response["team_id"]), str(response["user_id"])


def card_poster_for(
    settings: Settings, db: Database, client: WebClient, stopping: threading.Event
) -> CardPoster:
    """A card poster of the running bot: its channel, its Slack client, the card's wording for
    the configured executor (ACTIONBOT_EXECUTOR, checked before start-up by bot.choices)."""
    executor = executor_for(settings.executor)

    def render(action: ActionRecord) -> Card:
        return render_action_card(action, carried_out_automatically=executor.supports(action.type))

    return CardPoster(db, SlackChannelMessages(client), settings.channel, render, stopping=stopping)


def build_context(settings: Settings, db: Database) -> BotContext:
    client = interactive_client(settings)
    team_id, bot_user_id = who_am_i(client)
    allowed = frozenset(settings.allowed_team_ids or [team_id])
    roles = CachedRoleSource(
        LocalRoleSource(partial(role_service.roles_of, db)), settings.role_cache_seconds
    )
    resolver = ActorResolver(
        people=SlackPeople(client, settings.role_cache_seconds),
        roles=roles,
        allowed_teams=lambda: allowed,
    )
    requests = RequestsInFlight()
    tell_user = partial(report_failure, client)
    threads = settings.work_threads
    cards_client = outbox_client(settings)
    stopping = threading.Event()
    return BotContext(
        settings,
        db,
        client,
        resolver,
        team_id,
        bot_user_id,
        requests=requests,
        lookup_work=WorkPool(requests, LOOKUP_THREADS, "lookups", tell_user),
        click_work=WorkPool(requests, threads, "click-work", tell_user),
        command_work=WorkPool(requests, threads, "command-work", tell_user),
        outbox_client=cards_client,
        card_poster=partial(card_poster_for, settings, db, cards_client, stopping),
        stopping=stopping,
        direct_files=SlackDirectMessageFiles(client),
    )


def build_bolt_app(context: BotContext) -> App:
    signing = context.settings.slack_signing_secret
    app = ActionbotApp(
        client=context.client,
        signing_secret=signing.get_secret_value() if signing else "socket-mode-unused",
        token_verification_enabled=False,
        request_verification_enabled=signing is not None,
        # Listeners ack first and then work (users.info, the database, chat.update); Bolt's default
        # of 5 threads would make the 6th concurrent click wait for its ack behind that work.
        listener_executor=ThreadPoolExecutor(
            max_workers=LISTENER_THREADS, thread_name_prefix="bolt"
        ),
    )
    register_all(app, context)
    return app


def web_routes(context: BotContext) -> list[Blueprint]:
    """Every HTTP endpoint besides Slack's: health, the ingest API, its OpenAPI document and
    the page that shows it, and /metrics."""
    return [
        *health.routes(context.db),
        *api.routes(context.db, context.settings.ingest_token, context.cards_owed.ring),
        *docs.routes(),
        *metrics.routes(context.db),
    ]


def build_runtime(settings: Settings, db: Database, *, serve_slack_http: bool) -> Runtime:
    context = build_context(settings, db)
    bolt = build_bolt_app(context)
    if not serve_slack_http:
        return Runtime(context, bolt, context.requests.wrap(web_app(web_routes(context))))
    signing = settings.slack_signing_secret
    assert signing is not None  # required in HTTP mode (bot.run.required_settings)
    app = web_app(web_routes(context), slack=slack_events(bolt))
    # Nothing reaches Flask, Bolt, its listeners or its error handler before Slack's signature
    # is checked: the gate is WSGI middleware around the whole Flask app.
    verified = SlackRequestVerification(app, signing.get_secret_value())
    return Runtime(context, bolt, context.requests.wrap(verified))
