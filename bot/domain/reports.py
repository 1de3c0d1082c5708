"""Status reports (CONTRACT.md section 5): what the system that carries an approved action out
says about it, `{"status": "in-progress"|"completed"|"failed"|"cancelled", "detail": "..."}`."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)

from bot.domain.incoming import InvalidInput, RecordError, unstorable_fields
from bot.domain.statuses import Status, parse_status

REPORTABLE = (Status.IN_PROGRESS, Status.COMPLETED, Status.FAILED, Status.CANCELLED)
"""The statuses another system may report; the others are set by people or by the bot."""


def _named(value: Any) -> Any:
    return parse_status(value) if isinstance(value, str) else value


def _reportable(status: Status) -> Status:
    if status not in REPORTABLE:
        keys = ", ".join(s.value for s in REPORTABLE)
        raise ValueError(f"'{status.value}' cannot be reported; use one of {keys}")
    return status


def _storable(text: str) -> str:
    if "\x00" in text or not _encodable(text):
        raise ValueError("contains a NUL character or an unpaired surrogate")
    return text


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StatusReport(BaseModel):
    """One report on one action."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Annotated[
        Status,
        BeforeValidator(_named),
        AfterValidator(_reportable),
        WithJsonSchema({"type": "string", "enum": [s.value for s in REPORTABLE]}),
    ]
    detail: Annotated[str, StringConstraints(max_length=2000), AfterValidator(_storable)] | None = (
        None
    )


def parse_status_report(document: Any) -> StatusReport:
    """Validate a decoded JSON value; raises InvalidInput naming every field at fault."""
    fields = unstorable_fields(document) if isinstance(document, dict) else ()
    unstorable = [RecordError(0, "index", field, message) for field, message in fields]
    if unstorable:
        raise InvalidInput(unstorable, "invalid status report; nothing was changed")
    try:
        return StatusReport.model_validate(document)
    except ValidationError as exc:
        errors = [
            RecordError(0, "index", _field(err["loc"]), _message(err))
            for err in exc.errors(include_url=False)
        ]
        raise InvalidInput(errors, "invalid status report; nothing was changed") from None


def _field(loc: tuple[Any, ...]) -> str:
    name = ".".join(str(p) for p in loc) or "(body)"
    return name if _encodable(name) else name.encode("utf-8", "backslashreplace").decode("ascii")


def _message(err: Any) -> str:
    message = str(err["msg"]).removeprefix("Value error, ")
    return message if _encodable(message) else "invalid value"
