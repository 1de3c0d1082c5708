"""`/actions` and its paging buttons (CONTRACT.md sections 2 and 6).

Every answer after `help` comes through the response_url, after the ack: the caller's roles are
resolved (a Slack call) and the query may be slow, and Slack wants its ack within 3 seconds.
bot.services.commands decides what to say; the listener renders it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.context import BotContext
from bot.domain.clock import utcnow
from bot.domain.command_grammar import (
    Help,
    NotYetAvailable,
    Sub,
    Usage,
    command_text,
    parse_command,
)
from bot.domain.paging import ListingPage, decode_page
from bot.services.access import Caller, Denied
from bot.services.commands import (
    ActionNotFound,
    Answer,
    Columns,
    CommandService,
    ExportRequested,
    Identity,
    NoAccess,
)
from bot.services.export import Exported, export_to_dm
from bot.services.query import Details
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
from bot.views.listing import write_csv
from bot.views.listings import PAGE_SIZE, render_listing
from bot.views.slack_text import Reply

COMMAND = "/actions"
_PAGE_BUTTONS = re.compile(r"^actionbot\.listing\.(previous|next)$")
Send = Callable[[Reply], None]


def register(app: App, context: BotContext) -> None:
    commands = CommandService(context.db, context.resolver, PAGE_SIZE)

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

        def answer() -> None:
            answered = commands.answer(caller, request)
            if isinstance(answered, ExportRequested):
                export(context, answered, send)
            else:
                send(render_answer(answered))

        # Off Bolt's threads: a slow answer (an export) never holds up another request's ack.
        context.command_work.run(command, answer)

    @app.action(_PAGE_BUTTONS)
    def handle_listing_page(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        user = body.get("user") or {}
        caller = Caller(str(user.get("id")), user.get("team_id") or body.get("team", {}).get("id"))
        page = decode_page(str(action.get("value") or ""))

        def turn_page() -> None:
            reply = render_answer(commands.page_reply(caller, page))
            respond(replace_original=True, **_ephemeral(reply))

        context.command_work.run(body, turn_page)


def _ephemeral(reply: Reply) -> dict[str, Any]:
    return {"response_type": "ephemeral", **reply.payload()}


def render_answer(answer: Answer) -> Reply:
    match answer:
        case Identity(actor=actor, verdicts=verdicts):
            return render_whoami(actor.user_id, actor.email, actor.roles, verdicts)
        case NoAccess(reason=reason):
            return render_whoami_denied(reason)
        case Denied(reason=reason):
            return render_refusal(reason)
        case Usage(problem=problem, usage=usage):
            return render_usage(problem, usage)
        case NotYetAvailable(sub=sub):
            return render_not_yet(sub)
        case ListingPage():
            return render_listing(answer)
        case Details(action=action, trail=trail):
            return render_details(action, trail)
        case ActionNotFound(ref=ref):
            return render_not_found(ref)
        case Columns(columns=columns, changed=changed):
            return render_columns(columns, changed=changed)
        case Help():
            return render_help()
        case ExportRequested():
            raise ValueError("an export is answered by export(), not rendered")


def export(context: BotContext, request: ExportRequested, send: Send) -> None:
    """Say the file is coming, write and deliver it in a DM, then say it arrived (or why not)."""
    selection = request.selection
    as_of, text = utcnow(), command_text(selection, Sub.EXPORT)
    send(render_export_started(text))
    outcome = export_to_dm(
        context.db,
        context.direct_files,
        request.actor.user_id,
        selection,
        as_of=as_of,
        write=write_csv,
        filename=export_filename(selection, as_of),
        title=f"actionbot {text}",
        comment=lambda rows: export_comment(rows, text),
    )
    if isinstance(outcome, Exported):
        send(render_export_done(outcome.rows))
    else:
        send(render_export_failed(outcome.reason))
