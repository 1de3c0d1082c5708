"""Status reports: the system that carries an approved action out says how it went.

Allowed from approved or in-progress, along the moves of bot.domain.statuses. The change is one
conditional update, so of two racing reports exactly one applies and the other learns the status
that won. Reporting the status an action already has is acknowledged and changes nothing, so a
sender may always retry. A posted card is left marked for refreshing (the repository sees to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import utcnow
from bot.domain.records import ActionRecord
from bot.domain.statuses import Status, can_move
from storage.db import Database
from storage.repositories import ActionRepository, AuditRepository

_CARRIED_OUT_FROM = (Status.APPROVED, Status.IN_PROGRESS)


@dataclass(frozen=True)
class Reported:
    action: ActionRecord
    changed: bool
    """False when the action already had this status (a repeated report)."""


@dataclass(frozen=True)
class NotReportable:
    """The action is in a status this report cannot follow; `reason` says why."""

    action: ActionRecord
    reason: str


@dataclass(frozen=True)
class NotFound:
    ref: str


Outcome = Reported | NotReportable | NotFound


def report_status(
    db: Database,
    ref: str,
    status: Status,
    *,
    detail: str | None,
    actor: str,
    now: datetime | None = None,
) -> Outcome:
    """Apply a report on the action `ref` (upstream id, matched first, or short id)."""
    now = now or utcnow()
    with db.write() as session:
        actions, audit = ActionRepository(session), AuditRepository(session)
        action = actions.find(ref)
        if action is None:
            audit.add(
                "unknown-action",
                now,
                action_ref=ref[:200],
                actor=actor,
                reason=f"status report {status.value}: no such action",
            )
            return NotFound(ref)
        if action.status is status:
            return Reported(action, changed=False)
        sources = [s for s in _CARRIED_OUT_FROM if can_move(s, status, action.type)]
        if actions.move(action.pk, sources, status, at=now, detail=detail):
            audit.add(
                "status-reported",
                now,
                action_pk=action.pk,
                actor=actor,
                status_before=action.status,
                status_after=status,
                reason=detail,
            )
            current = actions.get(action.pk)
            assert current is not None
            return Reported(current, changed=True)
        current = actions.get(action.pk)
        assert current is not None
        if current.status is status:  # an identical report won the race
            return Reported(current, changed=False)
        reason = why_not(current, status)
        audit.add(
            "status-refused",
            now,
            action_pk=action.pk,
            actor=actor,
            status_before=current.status,
            reason=f"status report {status.value}: {reason}",
        )
        return NotReportable(current, reason)


def why_not(action: ActionRecord, status: Status) -> str:
    """Why `status` cannot be reported for `action` in its current status."""
    name = f"{action.short_id} ({action.upstream_id})"
    now_is = action.status
    if now_is is Status.PENDING:
        return f"{name} is still pending: it must be approved before it can be {status.value}"
    if now_is in (Status.REJECTED, Status.EXPIRED):
        by = f" by {action.decided_by}" if action.decided_by and now_is is Status.REJECTED else ""
        return f"{name} was {now_is.value}{by}: it must not be carried out"
    return f"{name} is already {now_is.value}, a final status: it cannot become {status.value}"
