"""The ingest format (CONTRACT.md section 5): parsing documents into validated action records.

One parser serves `actionbot ingest` and the HTTP ingest API. A document is a JSON object, a JSON
array of objects, `{"actions": [...]}`, or JSON Lines. Validation is all-or-nothing: every invalid
record is reported (its position and the field at fault), and the caller stores nothing.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
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

Hex40 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{40}$", to_lower=True)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=1000)]


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
        return self.model_dump(exclude_none=True)


class ActionIn(BaseModel):
    """One action as other systems hand it to actionbot."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    type: Annotated[ActionType, _named(parse_action_type)]
    source: Annotated[ActionSource, _named(parse_action_source)]
    status: Annotated[Status, _named(parse_status)] = Status.PENDING
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
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
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_document(text: str | bytes) -> ParsedDocument:
    """Parse and validate a whole document; raises InvalidInput listing every problem."""
    with bulk_allocation():
        return _parse_document(text)


def _parse_document(text: str | bytes) -> ParsedDocument:
    raw, positions, kind, errors = _split_records(text)
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
                for err in exc.errors(include_url=False):
                    field = ".".join(str(p) for p in err["loc"]) or "(record)"
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


_MESSAGES = {
    "model_type": "expected an action object",
    "dict_type": "expected an object",
    "string_pattern_mismatch": "must be 40 hexadecimal characters",
}


def _message(err: Any) -> str:
    return _MESSAGES.get(err["type"]) or str(err["msg"]).removeprefix("Value error, ")


_Split = tuple[list[Any], list[int], Literal["index", "line"], list[RecordError]]


def _split_records(text: str | bytes) -> _Split:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput([], f"input is not UTF-8 text ({exc.reason})") from None
    stripped = text.strip()
    if not stripped:
        raise InvalidInput([], "input is empty: expected a JSON object, array or JSON Lines")
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError as exc:
        if stripped.startswith("{") and exc.msg == "Extra data":
            return _json_lines(text)
        where = f"line {exc.lineno} column {exc.colno}"
        raise InvalidInput([], f"not valid JSON: {exc.msg} at {where}") from None
    if isinstance(document, dict) and set(document) == {"actions"}:
        document = document["actions"]
        if not isinstance(document, list):
            raise InvalidInput([], '"actions" must be an array of action objects')
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise InvalidInput([], "expected a JSON object, an array of objects, or JSON Lines")
    return document, list(range(len(document))), "index", []


def _json_lines(text: str) -> _Split:
    """One record per line; blank lines are skipped but still counted. Every line that is not
    JSON is reported, and the others are still validated, so one run shows every problem."""
    records: list[Any] = []
    positions: list[int] = []
    errors: list[RecordError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(RecordError(number, "line", "(record)", f"not valid JSON: {exc.msg}"))
            continue
        records.append(record)
        positions.append(number)
    return records, positions, "line", errors
