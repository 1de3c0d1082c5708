"""The grammar of `/actions` (CONTRACT.md section 6): command text in, a typed request or a usage
message out. Pure, total and never raising: whatever a user types gets one or the other.

    help | pending [FILTER...] | history [WINDOW] [FILTER...] | show ID
    | export [pending|WINDOW] [FILTER...] | columns [COLUMN...|reset] | whoami
    | undo ID | digest ...   (later versions; answered with "not available yet")

FILTER is source:, type:, status: or device: followed by a key or a display name; a filter may
repeat or take a comma list, and a value with spaces is quoted: source:"Automated device action".
Slack's own formatting of the text (&amp; &lt; &gt;, <url|label> links) is undone first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.catalog import UnknownName, parse_action_source, parse_action_type
from bot.domain.columns import Column, parse_columns
from bot.domain.selection import Selection
from bot.domain.statuses import Status, parse_status
from bot.domain.windows import DEFAULT_WINDOW, parse_window

MAX_TEXT = 3000
MAX_DEVICES = 50
MAX_ID = 200
MAX_DEVICE_NAME = 255


class Sub(StrEnum):
    HELP = "help"
    PENDING = "pending"
    HISTORY = "history"
    SHOW = "show"
    EXPORT = "export"
    COLUMNS = "columns"
    WHOAMI = "whoami"
    UNDO = "undo"
    DIGEST = "digest"


USAGE: dict[Sub, str] = {
    Sub.HELP: "/actions help",
    Sub.PENDING: "/actions pending [source:KEY] [type:KEY] [device:NAME]",
    Sub.HISTORY: "/actions history [day|week|month|6months] [source:KEY] [type:KEY] "
    "[status:KEY] [device:NAME]",
    Sub.SHOW: "/actions show ID",
    Sub.EXPORT: "/actions export [pending|day|week|month|6months] [source:KEY] [type:KEY] "
    "[status:KEY] [device:NAME]",
    Sub.COLUMNS: "/actions columns [COLUMN...|reset]",
    Sub.WHOAMI: "/actions whoami",
    Sub.UNDO: "/actions undo ID",
    Sub.DIGEST: "/actions digest subscribe daily|weekly [HH:MM] | unsubscribe | list | now",
}
GENERAL_USAGE = "/actions help | pending | history [WINDOW] | show ID | export [WINDOW] | " + (
    "columns [COLUMN...|reset] | whoami"
)
NOT_YET = frozenset({Sub.UNDO, Sub.DIGEST})
"""Subcommands of the contract that this version does not offer yet."""


# --- what a command asks for ------------------------------------------------------------------


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class WhoAmI:
    pass


@dataclass(frozen=True)
class ListActions:
    selection: Selection


@dataclass(frozen=True)
class ShowAction:
    ref: str


@dataclass(frozen=True)
class ExportActions:
    selection: Selection


@dataclass(frozen=True)
class ShowColumns:
    pass


@dataclass(frozen=True)
class ChooseColumns:
    columns: tuple[Column, ...] | None
    """None: back to the default."""


@dataclass(frozen=True)
class NotYetAvailable:
    sub: Sub


@dataclass(frozen=True)
class Usage:
    """A malformed command: what is wrong, and the usage line of what was meant."""

    problem: str
    usage: str = GENERAL_USAGE


Request = (
    Help
    | WhoAmI
    | ListActions
    | ShowAction
    | ExportActions
    | ShowColumns
    | ChooseColumns
    | NotYetAvailable
)

REQUEST_TYPES = (
    Help,
    WhoAmI,
    ListActions,
    ShowAction,
    ExportActions,
    ShowColumns,
    ChooseColumns,
    NotYetAvailable,
)


class _Malformed(Exception):
    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)


# --- reading the text: Slack formatting, then words with quotes -------------------------------

_SLACK_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_QUOTES = frozenset('"“”')  # Slack clients may turn " into curly quotes


def _unslack(text: str) -> str:
    """Undo Slack's formatting of command text: links become their label, entities their char."""
    text = _SLACK_LINK.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass
class _Word:
    """A word of the command with, for each character, whether it was inside quotes."""

    text: str = ""
    quoted: list[bool] = field(default_factory=list)

    def add(self, char: str, quoted: bool) -> None:
        self.text += char
        self.quoted.append(quoted)

    def find_unquoted(self, char: str) -> int:
        for i, (c, q) in enumerate(zip(self.text, self.quoted, strict=True)):
            if c == char and not q:
                return i
        return -1

    def split_unquoted(self, char: str) -> list[str]:
        parts, current = [], ""
        for c, q in zip(self.text, self.quoted, strict=True):
            if c == char and not q:
                parts.append(current)
                current = ""
            else:
                current += c
        return [*parts, current]

    def tail(self, start: int) -> _Word:
        return _Word(self.text[start:], self.quoted[start:])


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    current: _Word | None = None
    in_quotes = False
    for char in text:
        if char in _QUOTES:
            in_quotes = not in_quotes
            current = current or _Word()  # "" is an (empty) word of its own
            continue
        if char.isspace() and not in_quotes:
            if current is not None:
                words.append(current)
                current = None
            continue
        current = current or _Word()
        current.add(char, in_quotes)
    if in_quotes:
        raise _Malformed('unbalanced quotes: a " is opened and never closed')
    if current is not None:
        words.append(current)
    return words


# --- the subcommands --------------------------------------------------------------------------


def parse_command(text: str) -> Request | Usage:
    """The request that `/actions TEXT` makes, or a usage message saying what is wrong."""
    if len(text) > MAX_TEXT:
        return Usage(f"the command is too long (at most {MAX_TEXT} characters)")
    try:
        words = _words(_unslack(text))
    except _Malformed as exc:
        return Usage(exc.problem)
    if not words:
        return Help()
    name, args = words[0].text.casefold(), words[1:]
    try:
        sub = Sub(name)
    except ValueError:
        close = difflib.get_close_matches(name, [s.value for s in Sub], n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return Usage(f"unknown subcommand '{_shown(words[0].text)}'{hint}")
    try:
        return _PARSERS[sub](args)
    except _Malformed as exc:
        return Usage(exc.problem, USAGE[sub])


def _help(args: list[_Word]) -> Request:
    return Help()


def _whoami(args: list[_Word]) -> Request:
    if args:
        raise _Malformed("whoami takes nothing after it")
    return WhoAmI()


def _not_yet(sub: Sub) -> Callable[[list[_Word]], Request]:
    def parse(args: list[_Word]) -> Request:
        return NotYetAvailable(sub)

    return parse


def _show(args: list[_Word]) -> Request:
    if len(args) != 1 or not args[0].text.strip():
        raise _Malformed("show takes one ID: the bot's short id (A-1042) or the upstream id")
    ref = args[0].text.strip()
    if len(ref) > MAX_ID:
        raise _Malformed(f"an ID has at most {MAX_ID} characters")
    return ShowAction(ref)


def _columns(args: list[_Word]) -> Request:
    names = [n.strip() for w in args for n in w.text.split(",") if n.strip()]
    if not names:
        return ShowColumns()
    if [n.casefold() for n in names] == ["reset"]:
        return ChooseColumns(None)
    if "reset" in (n.casefold() for n in names):
        raise _Malformed("'reset' stands alone: /actions columns reset")
    try:
        return ChooseColumns(tuple(parse_columns(names)))
    except UnknownName as exc:
        choices = ", ".join(c.value for c in Column)
        raise _Malformed(f"{_unknown(exc)}; columns are {choices}") from None


def _pending(args: list[_Word]) -> Request:
    return ListActions(_selection(args, allow_pending_word=False, window_allowed=False))


def _history(args: list[_Word]) -> Request:
    return ListActions(_selection(args, allow_pending_word=False, window_allowed=True))


def _export(args: list[_Word]) -> Request:
    return ExportActions(_selection(args, allow_pending_word=True, window_allowed=True))


_PARSERS: dict[Sub, Callable[[list[_Word]], Request]] = {
    Sub.HELP: _help,
    Sub.WHOAMI: _whoami,
    Sub.SHOW: _show,
    Sub.COLUMNS: _columns,
    Sub.PENDING: _pending,
    Sub.HISTORY: _history,
    Sub.EXPORT: _export,
    Sub.UNDO: _not_yet(Sub.UNDO),
    Sub.DIGEST: _not_yet(Sub.DIGEST),
}


# --- selections: a window and filters ---------------------------------------------------------


class FilterKey(StrEnum):
    SOURCE = "source"
    TYPE = "type"
    STATUS = "status"
    DEVICE = "device"


@dataclass
class _Filters:
    values: dict[FilterKey, list[str]] = field(default_factory=dict)

    def add(self, key: FilterKey, values: list[str]) -> None:
        self.values.setdefault(key, []).extend(values)


def _selection(args: list[_Word], *, allow_pending_word: bool, window_allowed: bool) -> Selection:
    window_text: str | None = None
    pending = not window_allowed
    filters = _Filters()
    for word in args:
        colon = word.find_unquoted(":")
        if colon > 0:
            key = _filter_key(word.text[:colon])
            values = [v.strip() for v in word.tail(colon + 1).split_unquoted(",")]
            values = [v for v in values if v]
            if not values:
                raise _Malformed(f"{key.value}: needs a value, for example {_EXAMPLES[key]}")
            filters.add(key, values)
            continue
        bare = word.text.strip().casefold()
        if not window_allowed:
            raise _Malformed(_stray(bare, "pending lists every pending action and takes no window"))
        if allow_pending_word and ((bare == "pending" and window_text) or pending):
            raise _Malformed("export takes either pending or a window, not both")
        if window_text is not None:
            raise _Malformed(_stray(bare, "give at most one window"))
        if allow_pending_word and bare == "pending":
            pending = True
            continue
        if bare in {k.value for k in FilterKey}:
            example = _EXAMPLES[FilterKey(bare)]
            raise _Malformed(f"write filters as {bare}:VALUE, for example {example}")
        if bare == "pending":
            raise _Malformed("history lists decided actions; for pending ones use /actions pending")
        window_text = word.text
    return selection_from_filters(
        pending=pending, window=window_text, filters=filters.values, raise_as=_Malformed
    )


_EXAMPLES = {
    FilterKey.SOURCE: 'source:automated-device-action or source:"Automated device action"',
    FilterKey.TYPE: "type:isolate-device",
    FilterKey.STATUS: "status:completed",
    FilterKey.DEVICE: "device:WS-0142",
}


def _filter_key(text: str) -> FilterKey:
    wanted = text.strip().casefold()
    try:
        return FilterKey(wanted)
    except ValueError:
        keys = [k.value for k in FilterKey]
        close = difflib.get_close_matches(wanted, keys, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]}:?)" if close else ""
        raise _Malformed(
            f"unknown filter '{_shown(text)}:'{hint}; filters are source:, type:, status:, device:"
        ) from None


def _stray(word: str, rule: str) -> str:
    return f"'{_shown(word)}' is not a filter ({rule}; filters look like source:KEY)"


def selection_from_filters(
    *,
    pending: bool,
    window: str | None,
    filters: dict[FilterKey, list[str]],
    raise_as: Callable[[str], Exception] = ValueError,
) -> Selection:
    """The selection of a listing: shared by the slash command and `actionbot history|pending`.

    Each value is one key, display name or device name. Raises `raise_as(message)` for a bad one.
    """

    def each(key: FilterKey) -> list[str]:
        return [v.strip() for v in filters.get(key, []) if v.strip()]

    try:
        chosen_window = DEFAULT_WINDOW if pending or window is None else parse_window(window)
    except UnknownName:
        raise raise_as(
            f"unknown window '{_shown(window or '')}': use day, week, month or 6months "
            "(or 24h, 7d, 30d, 180d)"
        ) from None
    try:
        sources = frozenset(parse_action_source(v) for v in each(FilterKey.SOURCE))
        types = frozenset(parse_action_type(v) for v in each(FilterKey.TYPE))
        statuses = frozenset(parse_status(v) for v in each(FilterKey.STATUS))
    except UnknownName as exc:
        raise raise_as(_unknown(exc)) from None
    devices = frozenset(d.casefold() for d in each(FilterKey.DEVICE))
    if pending and statuses:
        raise raise_as("pending lists pending actions only: status: applies to history and export")
    if Status.PENDING in statuses:
        raise raise_as(
            "history lists actions that are no longer pending; "
            "for pending ones use /actions pending"
        )
    if len(devices) > MAX_DEVICES:
        raise raise_as(f"at most {MAX_DEVICES} device names at once")
    if any(len(d) > MAX_DEVICE_NAME for d in devices):
        raise raise_as(f"a device name has at most {MAX_DEVICE_NAME} characters")
    return Selection(
        pending=pending,
        window=chosen_window,
        sources=sources,
        types=types,
        statuses=statuses,
        devices=devices,
    )


def _unknown(exc: UnknownName) -> str:
    hint = f" (did you mean {' or '.join(exc.suggestions)}?)" if exc.suggestions else ""
    return f"unknown {exc.kind} '{_shown(exc.text)}'{hint}"


def _shown(text: str, limit: int = 60) -> str:
    """User text quoted back in a message: on one line, and not too long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the other way: the command text of a selection -----------------------------------------


def command_text(selection: Selection, sub: Sub = Sub.HISTORY) -> str:
    """The `/actions` text that selects exactly `selection` (keys, sorted), for hints."""
    if selection.pending:
        words = [sub.value] + (["pending"] if sub is Sub.EXPORT else [])
    else:
        words = [sub.value, selection.window.value]
    for key, values in (
        (FilterKey.SOURCE, selection.sources),
        (FilterKey.TYPE, selection.types),
        (FilterKey.STATUS, selection.statuses),
    ):
        if values:
            words.append(f"{key.value}:{','.join(sorted(v.value for v in values))}")
    if selection.devices:
        words.append("device:" + ",".join(_quoted(d) for d in sorted(selection.devices)))
    return " ".join(words)


def _quoted(value: str) -> str:
    plain = value and not any(c.isspace() or c in ',:"“”<>&' for c in value)
    return value if plain else f'"{value}"'
