"""`/actions` and its paging buttons (CONTRACT.md sections 2 and 6).

Every answer after `help` comes through the response_url, after the ack: the caller's roles are
resolved (a Slack call) and the query may be slow, and Slack wants its ack within 3 seconds.
The caller is resolved and authorized before anything else is said; `whoami` answers everyone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.context import BotContext
from bot.domain.actors import Actor
from bot.domain.catalog import Category
from bot.domain.clock import utcnow
from bot.domain.command_grammar import (
    ChooseColumns,
    ExportActions,
    Help,
    ListActions,
    NotYetAvailable,
    Request,
    ShowAction,
    ShowColumns,
    Sub,
    Usage,
    WhoAmI,
    command_text,
    parse_command,
)
from bot.domain.paging import PageRequest, decode_page
from bot.domain.roles import Act, authorize
from bot.domain.selection import Selection
from bot.services import preferences
from bot.services.access import Caller, Denied, resolve, viewer
from bot.services.export import Exported, export_to_dm
from bot.services.listings import listing_for
from bot.services.query import details_of
from bot.views.command_replies import (
    export_comment,
    export_filename,
    render_columns,
    render_export_done,
    render_export_failed,
    render_export_started,
    render_help,
    render_not_found,
    render_not_yet,
    render_refusal,
    render_usage,
    render_whoami,
    render_whoami_denied,
)
from bot.views.details import render_details
from bot.views.listings import PAGE_SIZE, render_listing
from bot.views.slack_text import Reply

COMMAND = "/actions"
_PAGE_BUTTONS = re.compile(r"^actionbot\.listing\.(previous|next)$")
Send = Callable[[Reply], None]


def register(app: App, context: BotContext) -> None:
    @app.command(COMMAND)
    def handle_actions_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        request = parse_command(str(command.get("text") or ""))
        if isinstance(request, Help):
            ack(response_type="ephemeral", **render_help().payload())
            return
        ack()
        caller = Caller(str(command["user_id"]), command.get("team_id"))

        def send(reply: Reply) -> None:
            respond(**_ephemeral(reply))

        # Off Bolt's threads: a slow answer (an export) never holds up another request's ack.
        context.command_work.run(command, lambda: answer(context, caller, request, send))

    @app.action(_PAGE_BUTTONS)
    def handle_listing_page(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        user = body.get("user") or {}
        caller = Caller(str(user.get("id")), user.get("team_id") or body.get("team", {}).get("id"))
        page = decode_page(str(action.get("value") or ""))

        def turn_page() -> None:
            respond(replace_original=True, **_ephemeral(page_reply(context, caller, page)))

        context.command_work.run(body, turn_page)


def _ephemeral(reply: Reply) -> dict[str, Any]:
    return {"response_type": "ephemeral", **reply.payload()}


def answer(context: BotContext, caller: Caller, request: Request | Usage, send: Send) -> None:
    """Answer a parsed command for `caller`: authorization first, then the request."""
    if isinstance(request, WhoAmI):
        send(whoami(context, caller))
        return
    actor = viewer(context.resolver, caller)
    if isinstance(actor, Denied):
        send(render_refusal(actor.reason))
        return
    match request:
        case Usage(problem=problem, usage=usage):
            send(render_usage(problem, usage))
        case NotYetAvailable(sub=sub):
            send(render_not_yet(sub))
        case ListActions(selection=selection):
            send(listing(context, actor, PageRequest(selection, utcnow(), 0)))
        case ShowAction(ref=ref):
            found = details_of(context.db, ref)
            send(
                render_not_found(ref)
                if found is None
                else render_details(found.action, found.trail)
            )
        case ShowColumns():
            send(render_columns(preferences.columns_of(context.db, actor.user_id), changed=False))
        case ChooseColumns(columns=columns):
            chosen = preferences.choose_columns(context.db, actor.user_id, columns)
            send(render_columns(chosen, changed=True))
        case ExportActions(selection=selection):
            export(context, actor, selection, send)
        case Help():
            send(render_help())


def whoami(context: BotContext, caller: Caller) -> Reply:
    actor = resolve(context.resolver, caller)
    if isinstance(actor, Denied):
        return render_whoami_denied(actor.reason)
    verdicts = [
        authorize(actor.roles, Act.VIEW),
        authorize(actor.roles, Act.APPROVE, Category.DEVICE),
        authorize(actor.roles, Act.APPROVE, Category.EMAIL),
    ]
    return render_whoami(actor.user_id, actor.email, actor.roles, verdicts)


def listing(context: BotContext, actor: Actor, request: PageRequest) -> Reply:
    page = listing_for(
        context.db,
        actor.user_id,
        request.selection,
        as_of=request.as_of,
        offset=request.offset,
        limit=PAGE_SIZE,
    )
    return render_listing(page)


def page_reply(context: BotContext, caller: Caller, request: PageRequest | None) -> Reply:
    """A Next/Previous click: the clicker is resolved and authorized again, then the page shown."""
    actor = viewer(context.resolver, caller)
    if isinstance(actor, Denied):
        return render_refusal(actor.reason)
    if request is None:
        return render_usage("this button no longer works", "/actions history [WINDOW] [filters]")
    return listing(context, actor, request)


def export(context: BotContext, actor: Actor, selection: Selection, send: Send) -> None:
    """Say the file is coming, write and deliver it in a DM, then say it arrived (or why not)."""
    as_of, text = utcnow(), command_text(selection, Sub.EXPORT)
    send(render_export_started(text))
    outcome = export_to_dm(
        context.db,
        context.client,
        actor.user_id,
        selection,
        as_of=as_of,
        filename=export_filename(selection, as_of),
        title=f"actionbot {text}",
        comment=lambda rows: export_comment(rows, text),
    )
    if isinstance(outcome, Exported):
        send(render_export_done(outcome.rows))
    else:
        send(render_export_failed(outcome.reason))
