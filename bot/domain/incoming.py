"""The ingest format (CONTRACT.md section 5): parsing documents into validated action records.

One parser serves `actionbot ingest` and the HTTP ingest API. A document is a JSON object, a JSON
array of objects, `{"actions": [...]}`, or JSON Lines. Validation is all-or-nothing: every invalid
record is reported (its position and the field at fault), and the caller stores nothing.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from bot.domain.catalog import (
    ActionSource,
    ActionType,
    Category,
    parse_action_source,
    parse_action_type,
)
from bot.domain.statuses import Status, parse_status
from bot.domain.strict_json import Decoder, DuplicatedKeys, JsonSyntaxError, Unrepresentable

Hex40 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{40}$", to_lower=True)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=1000)]


def _storable_in_utc(value: datetime) -> datetime:
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            "is outside the dates that can be stored (years 1 to 9999 in UTC)"
        ) from None
    return value


Timestamp = Annotated[AwareDatetime, AfterValidator(_storable_in_utc)]


def _named(parse: Any) -> Any:
    """Accept a key or a display name (case-insensitive) for an enum field."""

    def convert(value: Any) -> Any:
        return parse(value) if isinstance(value, str) else value

    return BeforeValidator(convert)


class Target(BaseModel):
    """What an action acts on: a device, a file on it, a message, a mailbox or a URL."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    device_name: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    machine_id: Hex40 | None = None
    sha1: Hex40 | None = None
    file_path: Text | None = None
    mailbox: Text | None = None
    recipient: Text | None = None
    network_message_id: Text | None = None
    subject: Text | None = None
    sender: Text | None = None
    url: Annotated[str, StringConstraints(min_length=1, max_length=2000)] | None = None

    def as_dict(self) -> dict[str, str]:
        """The fields that are set (a bulk ingest calls this for every action: kept lean)."""
        return {name: value for name, value in self.__dict__.items() if value is not None}


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class ActionIn(BaseModel):
    """One action as other systems hand it to actionbot."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_not_blank)]
    type: Annotated[ActionType, _named(parse_action_type)]
    source: Annotated[ActionSource, _named(parse_action_source)]
    status: Annotated[Status, _named(parse_status)] = Status.PENDING
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    target: Target = Field(default_factory=Target)
    investigation_id: Annotated[str, StringConstraints(max_length=200)] | None = None
    requested_by: Annotated[str, StringConstraints(max_length=200)] | None = None
    details: dict[str, Any] | None = None


def missing_target_fields(action_type: ActionType, target: Target) -> list[tuple[str, str]]:
    """The target fields this type needs and lacks, as (field, message) pairs."""
    problems: list[tuple[str, str]] = []
    if action_type.category is Category.DEVICE:
        if not (target.device_name or target.machine_id):
            problems.append(
                ("target.device_name", "a device action needs device_name or machine_id")
            )
        if (
            action_type in (ActionType.STOP_AND_QUARANTINE, ActionType.REQUEST_SAMPLE)
            and not target.sha1
        ):
            problems.append(("target.sha1", f"{action_type.value} needs the file's sha1"))
    elif action_type is ActionType.BLOCK_URL:
        if not target.url:
            problems.append(("target.url", "block-url needs url"))
    elif action_type is ActionType.TURN_OFF_EXTERNAL_MAIL_FORWARDING:
        if not target.mailbox:
            problems.append(("target.mailbox", f"{action_type.value} needs mailbox"))
    else:
        for field in ("network_message_id", "recipient"):
            if not getattr(target, field):
                problems.append((f"target.{field}", f"an email action needs {field}"))
    return problems


@dataclass(frozen=True)
class RecordError:
    """One invalid field of one record. `position` is the index (from 0) or the line (from 1)."""

    position: int
    position_kind: Literal["index", "line"]
    field: str
    message: str

    def describe(self) -> str:
        return f"{self.position_kind} {self.position}: {self.field}: {self.message}"


class InvalidInput(ValueError):
    """The whole input is refused; `errors` lists every invalid record's field."""

    def __init__(self, errors: Sequence[RecordError], summary: str | None = None) -> None:
        self.errors = list(errors)
        records = len({e.position for e in self.errors})
        self.summary = summary or f"{records} invalid record(s); nothing was stored"
        super().__init__(self.summary)


_RECORDS = TypeAdapter(list[ActionIn])
_RECORD = TypeAdapter(ActionIn)


@dataclass(frozen=True)
class ParsedDocument:
    actions: list[ActionIn]
    positions: list[int]
    """Where each action stood in the input: its index (from 0) or its line (from 1)."""
    position_kind: Literal["index", "line"]


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while a bulk input is turned into objects.

    Parsing and storing 100,000 actions allocates millions of objects that all stay alive until
    the end and form no cycles; the collector would rescan them over and over, which more than
    doubles the time (bench/ingest.py). Reference counting still frees everything as usual.
    When the collector resumes, it looks once at what is still alive: so that a bulk input is
    not among it, parse and store inside one window (see services.ingest.ingest_input).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_document(text: str | bytes) -> ParsedDocument:
    """Parse and validate a whole document (an object, an array, `{"actions": [...]}` or JSON
    Lines); raises InvalidInput listing every problem."""
    with bulk_allocation():
        raw, positions, kind, errors, text, marked = _split_records(text)
        return _validated(
            raw, positions, kind, errors, any_odd_text=_may_hold_odd_text(text), marked=marked
        )


def parse_json_document(document: Any) -> ParsedDocument:
    """Validate an already-decoded JSON value (see `load_json`): an object, an array of them, or
    `{"actions": [...]}`. Raises InvalidInput listing every problem."""
    with bulk_allocation():
        return _validated(*_records_of(document), [], any_odd_text=True, marked=True)


def load_json(text: str | bytes) -> Any:
    """Decode JSON: raises InvalidInput for text that is not UTF-8 JSON, or nested too deeply to
    handle. Values that cannot be kept as written (NaN, Infinity, a number too long, a key named
    twice) decode into markers that validation reports as field errors (bot.domain.strict_json)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput([], f"input is not UTF-8 text ({exc.reason})") from None
    try:
        return Decoder().loads(text)
    except JsonSyntaxError as exc:
        raise InvalidInput([], str(exc)) from None


def _validated(
    raw: list[Any],
    positions: list[int],
    kind: Literal["index", "line"],
    errors: list[RecordError],
    *,
    any_odd_text: bool,
    marked: bool,
) -> ParsedDocument:
    """Validate every record, collecting every problem of every record (after `errors`, those
    found while splitting the input), and raise InvalidInput if there is any. `any_odd_text`:
    whether text may hold NUL characters or lone surrogates (else only nesting is checked);
    `marked`: whether decoding left markers of values it could not keep (strict_json)."""
    unstorable = {
        position: problems
        for record, position in zip(raw, positions, strict=True)
        if (problems := list(_unstorable(record, any_odd_text or marked)))
    }
    for position, problems in unstorable.items():
        errors.extend(RecordError(position, kind, field, message) for field, message in problems)
    actions: list[ActionIn | None]
    try:
        actions = list(_RECORDS.validate_python(raw))
    except ValidationError:
        # Validate record by record, so that every invalid record is reported, not only the
        # ones that fail the schema (a valid record may still lack its type's target fields).
        actions = []
        for record, position in zip(raw, positions, strict=True):
            try:
                actions.append(_RECORD.validate_python(record))
            except ValidationError as exc:
                if position not in unstorable:
                    for err in exc.errors(include_url=False):
                        field = ".".join(_printable(str(p)) for p in err["loc"]) or "(record)"
                        errors.append(RecordError(position, kind, field, _message(err)))
                actions.append(None)
    for action, position in zip(actions, positions, strict=True):
        if action is not None:
            for field, message in missing_target_fields(action.type, action.target):
                errors.append(RecordError(position, kind, field, message))
            if action.status is Status.UNDONE and action.type.undo_type is None:
                message = f"{action.type.value} cannot be undone (it has no undo type)"
                errors.append(RecordError(position, kind, "status", message))
    if errors:
        errors.sort(key=lambda e: e.position)
        raise InvalidInput(errors)
    return ParsedDocument([a for a in actions if a is not None], positions, kind)


_MAX_DEPTH = 32
_ODD_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def _may_hold_odd_text(text: str) -> bool:
    """Whether decoded JSON text may contain NUL characters or lone surrogates. Neither can
    stand in UTF-8 JSON as such: only as the escapes \\u0000 and \\uD800-\\uDFFF, which this
    looks for (a false alarm, such as an escaped backslash before "u0000", only costs a check)."""
    if _ODD_ESCAPE.search(text) is not None or "\x00" in text:
        return True
    try:
        text.encode("utf-8")  # text handed over as str (not bytes) may carry lone surrogates
    except UnicodeEncodeError:
        return True
    return False


def _unstorable(record: Any, walk_all: bool) -> Iterator[tuple[str, str]]:
    """What no database can store in one record. Only `details` is free-form, so unless text may
    be odd or decoding left markers (`walk_all`), only its nesting needs a look; that keeps bulk
    input from walking every value."""
    if walk_all:
        yield from unstorable_fields(record)
    elif isinstance(record, dict) and isinstance(record.get("details"), dict | list):
        yield from unstorable_fields(record["details"], "details", 1)


def unstorable_fields(value: Any, path: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """Fields no database can store, as (field path, message): NUL characters and unpaired
    surrogates in text (PostgreSQL refuses the first, every UTF-8 encoder the second), nesting
    deeper than _MAX_DEPTH, and what decoding could not keep as written (strict_json's markers:
    NaN, Infinity, numbers out of range or too long, keys named twice)."""
    here = path or "(record)"
    if isinstance(value, Unrepresentable):
        yield here, value.reason
    elif isinstance(value, str):
        if not _storable(value):
            yield here, "contains a NUL character or an unpaired surrogate"
    elif depth >= _MAX_DEPTH and isinstance(value, dict | list):
        yield here, f"is nested more than {_MAX_DEPTH} levels deep"
    elif isinstance(value, dict):
        if isinstance(value, DuplicatedKeys):
            names = ", ".join(repr(key) for key in value.duplicated)
            yield here, f"names the key {names} more than once"
        for key, item in value.items():
            if not _storable(key):
                yield here, "has a key with a NUL character or an unpaired surrogate"
                continue
            yield from unstorable_fields(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from unstorable_fields(item, f"{here}.{number}", depth + 1)


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(text: str) -> str:
    return text if _storable(text) else text.encode("utf-8", "backslashreplace").decode("ascii")


_MESSAGES = {
    "model_type": "expected an action object",
    "dict_type": "expected an object",
    "string_pattern_mismatch": "must be 40 hexadecimal characters",
}


def _message(err: Any) -> str:
    return _MESSAGES.get(err["type"]) or str(err["msg"]).removeprefix("Value error, ")


_Split = tuple[list[Any], list[int], Literal["index", "line"], list[RecordError], str, bool]
"""Records, their positions and kind, the problems found while splitting, the text, and whether
decoding left markers."""


def _split_records(text: str | bytes) -> _Split:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput([], f"input is not UTF-8 text ({exc.reason})") from None
    stripped = text.strip()
    if not stripped:
        raise InvalidInput([], "input is empty: expected a JSON object, array or JSON Lines")
    decoder = Decoder()
    try:
        document = decoder.loads(stripped)
    except JsonSyntaxError as exc:
        if stripped.startswith("{") and exc.reason == "Extra data":
            return _json_lines(text)
        raise InvalidInput([], str(exc)) from None
    return (*_records_of(document), [], text, decoder.marked)


def _records_of(document: Any) -> tuple[list[Any], list[int], Literal["index", "line"]]:
    if isinstance(document, dict) and set(document) == {"actions"}:
        document = document["actions"]
        if not isinstance(document, list):
            raise InvalidInput([], '"actions" must be an array of action objects')
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise InvalidInput([], "expected a JSON object, an array of objects, or JSON Lines")
    return document, list(range(len(document))), "index"


def _json_lines(
    text: str,
) -> tuple[list[Any], list[int], Literal["line"], list[RecordError], str, bool]:
    """One record per line; blank lines are skipped but still counted. Every line that is not
    JSON is reported, and the others are still validated, so one run shows every problem."""
    records: list[Any] = []
    positions: list[int] = []
    errors: list[RecordError] = []
    decoder = Decoder()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = decoder.loads(line)
        except JsonSyntaxError as exc:
            message = f"not valid JSON: {exc.reason}"
            errors.append(RecordError(number, "line", "(record)", message))
            continue
        records.append(record)
        positions.append(number)
    return records, positions, "line", errors, text, decoder.marked
