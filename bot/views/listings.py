"""A page of `/actions pending|history` as an ephemeral message: what is listed, the total, one
page of rows in the user's columns, Previous/Next buttons and a hint to export."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.columns import Column
from bot.domain.command_grammar import Sub, command_text
from bot.domain.paging import ListingPage, PageRequest, encode_page
from bot.domain.records import ActionRecord
from bot.domain.selection import Selection
from bot.ids import ActionId
from bot.views.slack_text import Reply, date, escape, one_line, person

PAGE_SIZE = 20
_CELL = 200


def _cells(a: ActionRecord) -> dict[Column, str]:
    return {
        Column.ID: f"*{a.short_id}*",
        Column.TYPE: a.type.display_name,
        Column.SOURCE: a.source.display_name,
        Column.STATUS: f"_{a.status.value}_",
        Column.TARGET: escape(one_line(a.target_summary, _CELL)),
        Column.INVESTIGATION: (
            f"investigation {escape(one_line(a.investigation_id, 100))}"
            if a.investigation_id
            else ""
        ),
        Column.CREATED: f"created {date(a.created_at)}",
        Column.DECIDED_BY: (
            f"by {person(a.decided_by, a.decided_by_email)}" if a.decided_by else ""
        ),
        Column.DECIDED_AT: f"decided {date(a.decided_at)}" if a.decided_at else "",
        Column.COMMENT: f"“{escape(one_line(a.comment, _CELL))}”" if a.comment else "",
    }


def render_row(action: ActionRecord, columns: tuple[Column, ...]) -> str:
    cells = _cells(action)
    return " · ".join(cells[c] for c in columns if cells[c]) or action.short_id


def describe(selection: Selection) -> str:
    """What is listed, in words: "History · last week · source: Automated device action"."""
    parts = ["Pending actions" if selection.pending else f"History · last {_window(selection)}"]
    named: list[tuple[str, list[str]]] = [
        ("source", sorted(s.display_name for s in selection.sources)),
        ("type", sorted(t.display_name for t in selection.types)),
        ("status", sorted(s.value for s in selection.statuses)),
        ("device", sorted(selection.devices)),
    ]
    parts += [f"{key}: {', '.join(values)}" for key, values in named if values]
    return one_line(" · ".join(parts), 500)


def _window(selection: Selection) -> str:
    return {"day": "day", "week": "week", "month": "30 days", "6months": "6 months"}[
        selection.window.value
    ]


def render_listing(listing: ListingPage) -> Reply:
    selection = listing.selection
    first, last = listing.offset + 1, listing.offset + len(listing.rows)
    order = "oldest first" if selection.pending else "newest first"
    total = f"more than *{listing.total:,}*" if listing.more_than_total else f"*{listing.total:,}*"
    if listing.total:
        count = f"{total} action(s) · showing {first:,} to {last:,}, {order}"
    else:
        count = "No actions match."
    header = f"*{escape(describe(selection))}*\n{count}"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=header))]
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=render_row(a, listing.columns)))
        for a in listing.rows
    ]
    buttons = _buttons(listing)
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    blocks.append(_hint(listing, has_buttons=bool(buttons)))
    return Reply(text=f"{describe(selection)}: {total.replace('*', '')} action(s)", blocks=blocks)


def _buttons(listing: ListingPage) -> list[ButtonElement]:

    def token(offset: int) -> str | None:
        return encode_page(PageRequest(listing.selection, listing.as_of, offset))

    buttons = []
    if listing.offset > 0 and (value := token(max(0, listing.offset - listing.limit))):
        buttons.append(
            ButtonElement(text="Previous", action_id=ActionId.LISTING_PREVIOUS.value, value=value)
        )
    if listing.has_next and (value := token(listing.offset + listing.limit)):
        buttons.append(
            ButtonElement(text="Next", action_id=ActionId.LISTING_NEXT.value, value=value)
        )
    return buttons


def _hint(listing: ListingPage, *, has_buttons: bool) -> ContextBlock:
    export = command_text(listing.selection, Sub.EXPORT)
    text = f"As of {date(listing.as_of)}. Every row as CSV: `/actions {escape(export)}`"
    if listing.has_next and not has_buttons:
        text += " (too many filters for paging buttons: narrow them, or export)"
    return ContextBlock(elements=[MarkdownTextObject(text=one_line(text, 2900))])
