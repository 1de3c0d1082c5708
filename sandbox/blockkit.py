"""Block Kit to HTML, as Slack would show the bot's messages and modals.

Renders header, section (text, fields, accessory), context, divider, actions (buttons with style
and confirm objects), input blocks in modals, and mrkdwn with links and date tokens. Any other
block or element is shown as its JSON rather than dropped.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html import escape as escape
from typing import Any

from sandbox.people import BY_ID

_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]+))?>")
_DATE = re.compile(r"^!date\^(\d+)\^([^|^]*)(?:\^[^|]*)?(?:\|(.*))?$")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")
_CODE = re.compile(r"`([^`\n]+)`")
_EMOJI_CODE = re.compile(r":([a-z0-9_+-]+):")
EMOJI = {
    "heavy_multiplication_x": "\u2716\ufe0f",
    "hourglass_flowing_sand": "\u23f3",
    "large_orange_circle": "\U0001f7e0",
    "leftwards_arrow_with_hook": "\u21a9\ufe0f",
    "mag": "\U0001f50d",
    "no_entry": "\u26d4",
    "no_entry_sign": "\U0001f6ab",
    "warning": "\u26a0\ufe0f",
    "white_check_mark": "\u2705",
    "x": "\u274c",
    "zzz": "\U0001f4a4",
    "large_green_circle": "\U0001f7e2",
    "red_circle": "\U0001f534",
    "bell": "\U0001f514",
}


def _date_token(seconds: str, fmt: str, fallback: str | None) -> str:
    moment = datetime.fromtimestamp(int(seconds), UTC)
    shown = (
        fmt.replace("{date_short_pretty}", moment.strftime("%b %d, %Y"))
        .replace("{date_long_pretty}", moment.strftime("%A, %B %d, %Y"))
        .replace("{date_pretty}", moment.strftime("%B %d, %Y"))
        .replace("{date_short}", moment.strftime("%b %d, %Y"))
        .replace("{date_long}", moment.strftime("%A, %B %d, %Y"))
        .replace("{date_num}", moment.strftime("%Y-%m-%d"))
        .replace("{date}", moment.strftime("%B %d, %Y"))
        .replace("{time_secs}", moment.strftime("%H:%M:%S"))
        .replace("{time}", moment.strftime("%H:%M"))
    )
    if "{" in shown and fallback:
        shown = fallback
    return f'<time datetime="{moment.isoformat()}">{escape(shown)} UTC</time>'


def _inline(text: str) -> str:
    """Escaped mrkdwn formatting of text that holds no <...> tokens."""
    html = escape(text, quote=False)
    html = _EMOJI_CODE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), html)
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _BOLD.sub(r"<b>\1</b>", html)
    html = _ITALIC.sub(r"<i>\1</i>", html)
    html = _STRIKE.sub(r"<s>\1</s>", html)
    return html


def _token(inner: str, label: str | None) -> str:
    date = _DATE.match(inner + (f"|{label}" if label else ""))
    if date:
        return _date_token(date.group(1), date.group(2), date.group(3))
    if inner.startswith("@"):
        person = BY_ID.get(inner[1:])
        name = label or (person.name if person else inner[1:])
        return f'<span class="mention">@{escape(name)}</span>'
    if inner.startswith("#"):
        return f'<span class="mention">#{escape(label or inner[1:])}</span>'
    if inner.startswith("!"):
        return f'<span class="mention">@{escape(label or inner[1:])}</span>'
    safe = inner if re.match(r"^(https?|mailto):", inner) else "#"
    return f'<a href="{escape(safe)}" target="_blank" rel="noopener">{escape(label or inner)}</a>'


def mrkdwn(text: str) -> str:
    """Slack mrkdwn as HTML: links, mentions and date tokens; bold, italic, strike, code; quotes."""
    text = text.replace("&lt;", "\x01").replace("&gt;", "\x02").replace("&amp;", "\x03")
    lines = []
    for line in text.split("\n"):
        quote = line.startswith("\x02 ") or line.startswith("> ")
        if quote:
            line = line[2:]
        out, last = [], 0
        for match in _LINK.finditer(line):
            out.append(_inline(line[last : match.start()]))
            out.append(_token(match.group(1), match.group(2)))
            last = match.end()
        out.append(_inline(line[last:]))
        html = "".join(out).replace("\x01", "&lt;").replace("\x02", "&gt;").replace("\x03", "&amp;")
        lines.append(f'<span class="quote">{html}</span>' if quote else html)
    return "<br>".join(lines)


def text_object(obj: dict[str, Any] | None) -> str:
    if not obj:
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn(str(obj.get("text", "")))
    return escape(str(obj.get("text", ""))).replace("\n", "<br>")


def unknown(thing: Any) -> str:
    return f'<pre class="unknown">{escape(json.dumps(thing, indent=2))}</pre>'


def _attrs(**values: Any) -> str:
    return "".join(
        f' {name.replace("_", "-")}="{escape(str(v))}"'
        for name, v in values.items()
        if v is not None
    )


def element(elem: dict[str, Any], block_id: str | None) -> str:
    kind = elem.get("type")
    if kind == "button":
        style = elem.get("style")
        classes = "button" + (f" {style}" if style in ("primary", "danger") else "")
        confirm = None
        if elem.get("confirm"):
            # The dialog's text is mrkdwn: rendered here, like every other text of the message.
            rendered = {**elem["confirm"], "html": text_object(elem["confirm"].get("text"))}
            confirm = json.dumps(rendered)
        attrs = _attrs(
            data_action_id=elem.get("action_id"),
            data_block_id=block_id,
            data_value=elem.get("value", ""),
            data_confirm=confirm,
        )
        if elem.get("url"):
            href = escape(str(elem["url"]))
            label = text_object(elem.get("text"))
            return f'<a class="{classes}" href="{href}" target="_blank">{label}</a>'
        label = text_object(elem.get("text"))
        return f'<button type="button" class="{classes}"{attrs}>{label}</button>'
    if kind == "image":
        src, alt = escape(str(elem.get("image_url", ""))), escape(str(elem.get("alt_text", "")))
        return f'<img class="image" src="{src}" alt="{alt}">'
    if kind in ("mrkdwn", "plain_text"):
        return f'<span class="context-text">{text_object(elem)}</span>'
    return unknown(elem)


def input_element(elem: dict[str, Any], block_id: str) -> str:
    if elem.get("type") != "plain_text_input":
        return unknown(elem)
    placeholder = text_object(elem.get("placeholder"))
    attrs = _attrs(
        name=f"{block_id}/{elem.get('action_id', '')}",
        placeholder=placeholder or None,
        maxlength=elem.get("max_length"),
    )
    initial = escape(str(elem.get("initial_value", "")))
    if elem.get("multiline"):
        return f"<textarea{attrs}>{initial}</textarea>"
    return f'<input type="text"{attrs} value="{initial}">'


def block(blk: dict[str, Any]) -> str:
    kind = blk.get("type")
    block_id = blk.get("block_id")
    if kind == "header":
        return f'<div class="block header">{text_object(blk.get("text"))}</div>'
    if kind == "divider":
        return '<hr class="block divider">'
    if kind == "section":
        parts = []
        if blk.get("text"):
            parts.append(f'<div class="section-text">{text_object(blk["text"])}</div>')
        if blk.get("fields"):
            fields = "".join(f'<div class="field">{text_object(f)}</div>' for f in blk["fields"])
            parts.append(f'<div class="fields">{fields}</div>')
        body = f'<div class="section-body">{"".join(parts)}</div>'
        accessory = ""
        if blk.get("accessory"):
            accessory = f'<div class="accessory">{element(blk["accessory"], block_id)}</div>'
        return f'<div class="block section">{body}{accessory}</div>'
    if kind == "context":
        items = "".join(element(e, block_id) for e in blk.get("elements", []))
        return f'<div class="block context">{items}</div>'
    if kind == "actions":
        items = "".join(element(e, block_id) for e in blk.get("elements", []))
        return f'<div class="block actions">{items}</div>'
    if kind == "input":
        label = text_object(blk.get("label"))
        optional = ' <span class="optional">(optional)</span>' if blk.get("optional") else ""
        field = input_element(blk.get("element", {}), str(block_id or ""))
        hint = f'<div class="hint">{text_object(blk["hint"])}</div>' if blk.get("hint") else ""
        error = f'<div class="error" data-error-for="{escape(str(block_id))}"></div>'
        heading = f'<span class="label">{label}{optional}</span>'
        return f'<label class="block input">{heading}{field}{hint}{error}</label>'
    return unknown(blk)


def message(msg: dict[str, Any]) -> str:
    """A message's blocks, or its text when it has none (as Slack does)."""
    blocks = msg.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if blocks:
        return "".join(block(b) for b in blocks)
    text = mrkdwn(str(msg.get("text", "")))
    return f'<div class="block section"><div class="section-text">{text}</div></div>'


def modal(view: dict[str, Any]) -> str:
    """A modal's title, blocks and submit/close buttons."""
    title = text_object(view.get("title"))
    blocks = "".join(block(b) for b in view.get("blocks", []))
    submit = text_object(view.get("submit")) or "Submit"
    close = text_object(view.get("close")) or "Cancel"
    return (
        f'<h2 class="modal-title">{title}</h2><form class="modal-form">{blocks}'
        f'<div class="modal-buttons"><button type="button" class="button close">{close}</button>'
        f'<button type="submit" class="button primary submit">{submit}</button></div></form>'
    )
