"""Action statuses and the moves between them.

pending -> approved | rejected | expired; approved -> in-progress -> completed | failed;
completed -> undone (undoable types only). The system that carries an action out may also report
completed, failed or cancelled straight from approved, and cancelled from in-progress.
A decided action never returns to pending.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bot.domain.catalog import ActionType, NameIndex


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    UNDONE = "undone"

    @property
    def is_final(self) -> bool:
        return not _NEXT[self]


_S = Status
_NEXT: Mapping[Status, frozenset[Status]] = {
    _S.PENDING: frozenset({_S.APPROVED, _S.REJECTED, _S.EXPIRED}),
    _S.APPROVED: frozenset({_S.IN_PROGRESS, _S.COMPLETED, _S.FAILED, _S.CANCELLED}),
    _S.IN_PROGRESS: frozenset({_S.COMPLETED, _S.FAILED, _S.CANCELLED}),
    _S.COMPLETED: frozenset({_S.UNDONE}),
    _S.REJECTED: frozenset(),
    _S.FAILED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.EXPIRED: frozenset(),
    _S.UNDONE: frozenset(),
}

DECISIONS = frozenset({Status.APPROVED, Status.REJECTED})
"""The statuses a person sets by approving or rejecting."""


def can_move(current: Status, new: Status, action_type: ActionType) -> bool:
    """Whether one step from `current` to `new` is allowed for an action of this type."""
    if new is Status.UNDONE and action_type.undo_type is None:
        return False
    return new in _NEXT[current]


def can_reach(current: Status, new: Status, action_type: ActionType) -> bool:
    """Whether `new` lies ahead of `current` (one or more steps): how imported history may move."""
    if new is Status.UNDONE and action_type.undo_type is None:
        return False
    frontier, seen = [current], {current}
    while frontier:
        for following in _NEXT[frontier.pop()]:
            if following is new:
                return True
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return False


parse_status = NameIndex(Status, "status")
