"""Decoding JSON that other systems send, refusing what would be read differently elsewhere.

Python's json module quietly keeps the last of two equal keys (so `"type": "isolate-device",
"type": "offboard-machine"` would act on whichever a reader happens to keep), reads NaN and
Infinity, turns 1e999 into infinity, and raises an unexpected ValueError for an integer of more
than 4,300 digits. Here each of these decodes into a marker at the place it occurs, so that the
validation that follows reports it as an error of that field (bot.domain.incoming's
`unstorable_fields`), with every other problem of the document; broken syntax raises
JsonSyntaxError saying where.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from typing import Any

_MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4300


class JsonSyntaxError(ValueError):
    """The text is not JSON; `reason` says what, the message what and where."""

    def __init__(self, reason: str, where: str | None = None) -> None:
        self.reason = reason
        super().__init__(f"not valid JSON: {reason}" + (f" at {where}" if where else ""))


@dataclass(frozen=True, slots=True)
class Unrepresentable:
    """A number no reader can hold as written (NaN, Infinity, 1e999, a 5,000-digit integer)."""

    reason: str


class DuplicatedKeys(dict[str, Any]):
    """An object that named a key more than once; `duplicated` lists those keys."""

    duplicated: list[str]


class Decoder:
    """One decoding; `marked` tells whether any marker was made (so a caller can skip looking)."""

    def __init__(self) -> None:
        self.marked = False

    def loads(self, text: str) -> Any:
        try:
            return json.loads(
                text,
                parse_int=self._int,
                parse_float=self._float,
                parse_constant=self._constant,
                object_pairs_hook=self._object,
            )
        except json.JSONDecodeError as exc:
            raise JsonSyntaxError(exc.msg, f"line {exc.lineno} column {exc.colno}") from None
        except RecursionError:
            raise JsonSyntaxError("nested too deeply") from None

    def _int(self, text: str) -> int | Unrepresentable:
        if len(text) > _MAX_INT_DIGITS:
            return self._mark(f"is a number too long to convert ({len(text)} digits)")
        return int(text)

    def _float(self, text: str) -> float | Unrepresentable:
        value = float(text)
        if not math.isfinite(value):
            return self._mark(f"is a number out of range ({text[:40]})")
        return value

    def _constant(self, name: str) -> Unrepresentable:
        return self._mark(f"is {name}, which is not a JSON value")

    def _object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value = dict(pairs)
        if len(value) == len(pairs):
            return value
        self.marked = True
        duplicated = DuplicatedKeys(value)
        names = [key for key, _ in pairs]
        duplicated.duplicated = sorted({key for key in names if names.count(key) > 1})
        return duplicated

    def _mark(self, reason: str) -> Unrepresentable:
        self.marked = True
        return Unrepresentable(reason)


def loads(text: str) -> Any:
    """Decode `text`; markers stand where a value could not be kept as written."""
    return Decoder().loads(text)
