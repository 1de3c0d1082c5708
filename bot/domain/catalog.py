"""The Action center's vocabulary: action types, their categories and undo types, action sources.

Everywhere a key is accepted, the display name is accepted too, case-insensitively.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar


class Category(StrEnum):
    DEVICE = "device"
    EMAIL = "email"


class ActionType(StrEnum):
    COLLECT_INVESTIGATION_PACKAGE = "collect-investigation-package"
    ISOLATE_DEVICE = "isolate-device"
    RELEASE_FROM_ISOLATION = "release-from-isolation"
    OFFBOARD_MACHINE = "offboard-machine"
    RELEASE_CODE_EXECUTION = "release-code-execution"
    RELEASE_FROM_QUARANTINE = "release-from-quarantine"
    REQUEST_SAMPLE = "request-sample"
    RESTRICT_CODE_EXECUTION = "restrict-code-execution"
    RUN_ANTIVIRUS_SCAN = "run-antivirus-scan"
    STOP_AND_QUARANTINE = "stop-and-quarantine"
    SOFT_DELETE_EMAIL = "soft-delete-email"
    HARD_DELETE_EMAIL = "hard-delete-email"
    MOVE_TO_JUNK = "move-to-junk"
    BLOCK_URL = "block-url"
    TURN_OFF_EXTERNAL_MAIL_FORWARDING = "turn-off-external-mail-forwarding"

    @property
    def display_name(self) -> str:
        return _TYPE_INFO[self].display_name

    @property
    def category(self) -> Category:
        return _TYPE_INFO[self].category

    @property
    def undo_type(self) -> ActionType | None:
        return _TYPE_INFO[self].undo_type

    @property
    def irreversible(self) -> bool:
        """Types whose approval asks for a confirmation first."""
        return self in _IRREVERSIBLE


@dataclass(frozen=True)
class _TypeInfo:
    display_name: str
    category: Category
    undo_type: ActionType | None = None


_T = ActionType
_TYPE_INFO: Mapping[ActionType, _TypeInfo] = {
    _T.COLLECT_INVESTIGATION_PACKAGE: _TypeInfo("Collect investigation package", Category.DEVICE),
    _T.ISOLATE_DEVICE: _TypeInfo("Isolate device", Category.DEVICE, _T.RELEASE_FROM_ISOLATION),
    _T.RELEASE_FROM_ISOLATION: _TypeInfo("Release from isolation", Category.DEVICE),
    _T.OFFBOARD_MACHINE: _TypeInfo("Offboard machine", Category.DEVICE),
    _T.RELEASE_CODE_EXECUTION: _TypeInfo("Release code execution", Category.DEVICE),
    _T.RELEASE_FROM_QUARANTINE: _TypeInfo("Release from quarantine", Category.DEVICE),
    _T.REQUEST_SAMPLE: _TypeInfo("Request sample", Category.DEVICE),
    _T.RESTRICT_CODE_EXECUTION: _TypeInfo(
        "Restrict code execution", Category.DEVICE, _T.RELEASE_CODE_EXECUTION
    ),
    _T.RUN_ANTIVIRUS_SCAN: _TypeInfo("Run antivirus scan", Category.DEVICE),
    _T.STOP_AND_QUARANTINE: _TypeInfo(
        "Stop and quarantine", Category.DEVICE, _T.RELEASE_FROM_QUARANTINE
    ),
    _T.SOFT_DELETE_EMAIL: _TypeInfo("Soft delete email", Category.EMAIL),
    _T.HARD_DELETE_EMAIL: _TypeInfo("Hard delete email", Category.EMAIL),
    _T.MOVE_TO_JUNK: _TypeInfo("Move to junk folder", Category.EMAIL),
    _T.BLOCK_URL: _TypeInfo("Block URL", Category.EMAIL),
    _T.TURN_OFF_EXTERNAL_MAIL_FORWARDING: _TypeInfo(
        "Turn off external mail forwarding", Category.EMAIL
    ),
}
_IRREVERSIBLE = frozenset({_T.OFFBOARD_MACHINE, _T.STOP_AND_QUARANTINE, _T.HARD_DELETE_EMAIL})


class ActionSource(StrEnum):
    MANUAL_DEVICE_ACTION = "manual-device-action"
    MANUAL_EMAIL_ACTION = "manual-email-action"
    AUTOMATED_DEVICE_ACTION = "automated-device-action"
    AUTOMATED_EMAIL_ACTION = "automated-email-action"
    ADVANCED_HUNTING_ACTION = "advanced-hunting-action"
    EXPLORER_ACTION = "explorer-action"
    MANUAL_LIVE_RESPONSE_ACTION = "manual-live-response-action"
    LIVE_RESPONSE_ACTION = "live-response-action"

    @property
    def display_name(self) -> str:
        return _SOURCE_NAMES[self]


_SOURCE_NAMES: Mapping[ActionSource, str] = {
    ActionSource.MANUAL_DEVICE_ACTION: "Manual device action",
    ActionSource.MANUAL_EMAIL_ACTION: "Manual email action",
    ActionSource.AUTOMATED_DEVICE_ACTION: "Automated device action",
    ActionSource.AUTOMATED_EMAIL_ACTION: "Automated email action",
    ActionSource.ADVANCED_HUNTING_ACTION: "Advanced hunting action",
    ActionSource.EXPLORER_ACTION: "Explorer action",
    ActionSource.MANUAL_LIVE_RESPONSE_ACTION: "Manual live response action",
    ActionSource.LIVE_RESPONSE_ACTION: "Live response action",
}


class UnknownName(ValueError):
    """A key or display name that names nothing; carries the closest valid keys."""

    def __init__(self, kind: str, text: str, suggestions: list[str]) -> None:
        self.kind = kind
        self.text = text
        self.suggestions = suggestions
        hint = f" (did you mean {' or '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown {kind} '{text}'{hint}")


_E = TypeVar("_E", bound=StrEnum)


class NameIndex(Generic[_E]):
    """Finds an enum member by its key or display name, case-insensitively, with one dict
    lookup: ingest looks up a type, a source and a status for every record it reads."""

    def __init__(self, enum: type[_E], kind: str, names: Iterable[tuple[_E, str]] = ()) -> None:
        self.enum, self.kind = enum, kind
        self.index: dict[str, _E] = {name.casefold(): member for member, name in names}
        self.index.update((member.value.casefold(), member) for member in enum)  # keys win

    def __call__(self, text: str) -> _E:
        found = self.index.get(text.strip().casefold())
        if found is None:
            keys = [m.value for m in self.enum]
            wanted = text.strip().casefold()
            suggestions = difflib.get_close_matches(wanted, keys, n=2, cutoff=0.5)
            raise UnknownName(self.kind, text, suggestions)
        return found


def lookup(enum: type[_E], text: str, kind: str, names: Iterable[tuple[_E, str]] = ()) -> _E:
    """Find the member whose key or display name is `text` (case-insensitive)."""
    return NameIndex(enum, kind, names)(text)


parse_action_type = NameIndex(ActionType, "action type", ((t, t.display_name) for t in ActionType))
parse_action_source = NameIndex(
    ActionSource, "action source", ((s, s.display_name) for s in ActionSource)
)
