"""Replies of `/actions` that are not listings: help, usage, refusals, whoami, columns, export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.domain.columns import DEFAULT_COLUMNS, Column
from bot.domain.command_grammar import USAGE, Sub
from bot.domain.roles import EMAIL_COLLABORATION_NOTE, Role, Verdict
from bot.domain.selection import Selection
from bot.views.slack_text import Reply, escape, one_line


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


_HELP_LINES = (
    (Sub.PENDING, "pending actions, oldest first"),
    (Sub.HISTORY, "actions decided or finished in the window (default week), newest first"),
    (Sub.SHOW, "everything known about one action, with its timeline"),
    (Sub.EXPORT, "the same selection as a CSV file, sent to you in a direct message"),
    (Sub.COLUMNS, "choose the columns of listings and exports; `reset` for the default"),
    (Sub.WHOAMI, "the roles the bot sees for you right now, and what they allow"),
)


def render_help() -> Reply:
    lines = [f"`{USAGE[sub]}`\n{what}" for sub, what in _HELP_LINES]
    filters = (
        "*Filters* may repeat or take a comma list: `source:`, `type:`, `status:`, `device:`. "
        'Keys or quoted display names both work, e.g. `source:"Automated device action"`.\n'
        "*Windows*: `day`, `week`, `month`, `6months` (or `24h`, `7d`, `30d`, `180d`).\n"
        "*Columns*: " + ", ".join(f"`{c.value}`" for c in Column) + "."
    )
    return Reply(
        text="/actions: the Microsoft 365 Defender Action center in Slack",
        blocks=[
            _section("*/actions*: the Microsoft 365 Defender Action center in Slack"),
            _section("\n".join(lines)),
            _section(filters),
            _context("Seeing actions needs a Defender role; `/actions whoami` shows yours."),
        ],
    )


def render_usage(problem: str, usage: str) -> Reply:
    text = f":warning: {escape(problem)}"
    return Reply(
        text=problem,
        blocks=[
            _section(text),
            _context(f"Usage: `{escape(usage)}` · `/actions help` lists everything."),
        ],
    )


def render_not_yet(sub: Sub) -> Reply:
    return render_usage(
        f"/actions {sub.value} is not available yet in this version of actionbot", USAGE[sub]
    )


def render_refusal(reason: str) -> Reply:
    return Reply(text=reason, blocks=[_section(f":no_entry: {escape(reason)}")])


def render_not_found(ref: str) -> Reply:
    text = f"No action has the ID {one_line(ref, 200)} (neither an upstream id nor a short id)."
    return Reply(text=text, blocks=[_section(f":mag: {escape(text)}")])


_ACTS = (
    ("see pending actions, history and details, and export them", "view"),
    ("approve, reject and undo device actions", "device"),
    ("approve, reject and undo email actions", "email"),
)


def render_whoami(
    user_id: str, email: str | None, roles: frozenset[Role], verdicts: Sequence[Verdict]
) -> Reply:
    held = ", ".join(r.display_name for r in Role if r in roles) or "no roles"
    who = f"<@{user_id}>" + (f" ({escape(email)})" if email else " (no email in Slack profile)")
    lines = []
    for (what, _key), verdict in zip(_ACTS, verdicts, strict=True):
        if verdict.allowed:
            lines.append(f":white_check_mark: You may {what}.")
        else:
            lines.append(f":x: You may not {what}: {escape(verdict.explain())}")
    blocks: list[Block] = [
        _section(f"You are {who}.\n*Roles right now:* {escape(held)}"),
        _section("\n".join(lines)),
    ]
    if Role.SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION in roles:
        blocks.append(_context(escape(EMAIL_COLLABORATION_NOTE)))
    return Reply(text=f"Your roles: {held}", blocks=blocks)


def render_whoami_denied(reason: str) -> Reply:
    text = f"You have no access: {reason}"
    return Reply(text=text, blocks=[_section(f":no_entry: {escape(text)}")])


def render_columns(columns: Sequence[Column], *, changed: bool) -> Reply:
    shown = ", ".join(f"`{c.value}`" for c in columns)
    default = tuple(columns) == DEFAULT_COLUMNS
    head = "Your columns are now" if changed else "Your columns are"
    note = " (the default)" if default else ""
    others = ", ".join(f"`{c.value}`" for c in Column if c not in columns)
    hint = "Choose with `/actions columns id status target …`; `/actions columns reset` for all."
    return Reply(
        text=f"{head}: {', '.join(c.value for c in columns)}",
        blocks=[
            _section(f"{head}: {shown}{note}."),
            _context(f"Not shown: {others}. {hint}" if others else hint),
        ],
    )


def render_export_started(command: str) -> Reply:
    text = (
        f"Preparing your export (`{escape(command)}`); "
        "the CSV file will arrive in a direct message from me."
    )
    return Reply(text=text, blocks=[_section(f":hourglass_flowing_sand: {text}")])


def render_export_done(rows: int) -> Reply:
    text = f"Your export of {rows:,} action(s) has arrived in your direct messages with me."
    return Reply(text=text, blocks=[_section(f":white_check_mark: {text}")])


def render_export_failed(reason: str) -> Reply:
    text = f"The export could not be delivered: {reason}. Nothing was shared; try again later."
    return Reply(text=text, blocks=[_section(f":warning: {escape(text)}")])


def export_comment(rows: int, command: str) -> str:
    return f"Your export `{command}`: {rows:,} action(s)."


def export_filename(selection: Selection, as_of: datetime) -> str:
    what = "pending" if selection.pending else f"history-{selection.window.value}"
    return f"actionbot-{what}-{as_of.strftime('%Y%m%d-%H%M%S')}Z.csv"
