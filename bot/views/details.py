"""`/actions show ID`: everything known about one action, and its timeline from the audit trail."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.domain.records import ActionRecord, AuditEntry
from bot.domain.roles import Role
from bot.views.slack_text import MAX_BLOCKS, Reply, cut, date, escape, one_line, person

_FIELD = 1900
_SECTION = 2900


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def _field(label: str, value: str) -> MarkdownTextObject:
    return _md(cut(f"*{label}*\n{value}", _FIELD))


def render_details(action: ActionRecord, trail: Sequence[AuditEntry]) -> Reply:
    title = one_line(f"{action.short_id} · {action.type.display_name}", 150)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=title)),
        SectionBlock(fields=_summary_fields(action)),
    ]
    blocks += _optional_fields(action)
    blocks.append(SectionBlock(text=_md(_target_text(action))))
    if action.details:
        details = json.dumps(action.details, indent=1, ensure_ascii=False, sort_keys=True)
        blocks.append(SectionBlock(text=_md(f"*Details*\n```{cut(escape(details), 2800)}```")))
    blocks.append(DividerBlock())
    blocks += _timeline(trail, room=MAX_BLOCKS - len(blocks))
    return Reply(text=f"{title}: {action.status.value}", blocks=blocks)


def _summary_fields(a: ActionRecord) -> list[MarkdownTextObject]:
    return [
        _field("Status", f"*{a.status.value}*"),
        _field("Source", a.source.display_name),
        _field("Type", f"{a.type.display_name} (`{a.type.value}`)"),
        _field("Upstream id", f"`{escape(one_line(a.upstream_id, 200))}`"),
        _field("Created", date(a.created_at)),
        _field("Last status change", date(a.updated_at)),
    ]


def _optional_fields(a: ActionRecord) -> list[Block]:
    pairs = [
        ("Investigation", escape(a.investigation_id) if a.investigation_id else None),
        ("Requested by", escape(a.requested_by) if a.requested_by else None),
        (
            "Decided by",
            f"{person(a.decided_by, a.decided_by_email)}"
            + (f" ({escape(a.decided_by_email)})" if a.decided_by_email else "")
            if a.decided_by
            else None,
        ),
        ("Decided at", date(a.decided_at) if a.decided_at else None),
        ("Comment", escape(a.comment) if a.comment else None),
        ("Status detail", escape(a.status_detail) if a.status_detail else None),
    ]
    fields = [_field(label, value) for label, value in pairs if value]
    return [SectionBlock(fields=fields)] if fields else []


def _target_text(a: ActionRecord) -> str:
    lines = [
        f"• {escape(key)}: `{escape(one_line(value, 300))}`" for key, value in a.target.items()
    ]
    return cut("*Target*\n" + ("\n".join(lines) or "(none)"), _SECTION)


def describe_event(e: AuditEntry) -> str:
    """One line of the timeline: when, what, by whom with which roles, the status move, why."""
    what = e.kind.replace("-", " ")
    line = f"{date(e.at)} · *{escape(what)}*"
    if e.actor or e.actor_email:
        line += f" by {person(e.actor, e.actor_email)}"
    if e.roles:
        line += " as " + ", ".join(escape(_role_name(r)) for r in e.roles)
    if e.status_before and e.status_after and e.status_before != e.status_after:
        line += f" · {e.status_before} → {e.status_after}"
    elif e.status_after and not e.status_before:
        line += f" · {e.status_after}"
    if e.reason:
        line += f" · {escape(one_line(e.reason, 300))}"
    return line


def _role_name(key: str) -> str:
    try:
        return Role(key).display_name
    except ValueError:
        return key


def _timeline(trail: Sequence[AuditEntry], room: int) -> list[Block]:
    """The timeline in sections of at most ~3000 characters, within the blocks left."""
    header: list[Block] = [SectionBlock(text=_md("*Timeline*"))]
    if not trail:
        return [*header, ContextBlock(elements=[_md("No events recorded.")])]
    sections: list[str] = [""]
    for entry in trail:
        line = describe_event(entry)
        if len(sections[-1]) + len(line) + 1 > _SECTION:
            sections.append("")
        sections[-1] += ("\n" if sections[-1] else "") + line
    shown = sections[: max(1, room - 2)]
    blocks: list[Block] = [*header, *(SectionBlock(text=_md(s)) for s in shown)]
    if len(shown) < len(sections):
        left = sum(s.count("\n") + 1 for s in sections[len(shown) :])
        blocks.append(ContextBlock(elements=[_md(f"… and {left} later event(s) not shown.")]))
    return blocks
