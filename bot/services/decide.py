"""Deciding: approving or rejecting a pending action, under the permission table, race-safely.

The caller resolves who the decider is and which roles they hold *before* calling (no network
call inside the transaction). Permission is checked before anything else is said, so a refused
user learns only what they lack. Every decision, refused attempt and lost race is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import utcnow
from bot.domain.records import ActionRecord
from bot.domain.roles import Act, Role, Verdict, authorize
from bot.domain.statuses import Status
from storage.db import Database
from storage.repositories import ActionRepository, AuditRepository


@dataclass(frozen=True)
class Actor:
    """Who acts, and the roles they held at that moment."""

    user_id: str
    email: str | None
    roles: frozenset[Role]


@dataclass(frozen=True)
class Decided:
    action: ActionRecord


@dataclass(frozen=True)
class AlreadyDecided:
    """Someone else decided first (or the action expired); `action` says who and when."""

    action: ActionRecord


@dataclass(frozen=True)
class Refused:
    verdict: Verdict
    action: ActionRecord


@dataclass(frozen=True)
class NotFound:
    ref: str


Outcome = Decided | AlreadyDecided | Refused | NotFound

_ACTS = {Status.APPROVED: Act.APPROVE, Status.REJECTED: Act.REJECT}


def decide(
    db: Database,
    ref: str,
    decision: Status,
    actor: Actor,
    *,
    comment: str | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Approve or reject the action `ref` (upstream id or short id) on behalf of `actor`."""
    act = _ACTS[decision]
    now = now or utcnow()
    with db.write() as session:
        actions, audit = ActionRepository(session), AuditRepository(session)
        action = actions.find(ref)
        if action is None:
            audit.add(
                "unknown-action",
                now,
                action_ref=ref[:200],
                actor=actor.user_id,
                actor_email=actor.email,
                roles=actor.roles,
                reason=f"{act.value}: no such action",
            )
            return NotFound(ref)
        verdict = authorize(actor.roles, act, action.type.category)
        if not verdict.allowed:
            audit.add(
                "refused",
                now,
                action_pk=action.pk,
                actor=actor.user_id,
                actor_email=actor.email,
                roles=actor.roles,
                status_before=action.status,
                reason=f"{act.value}: {verdict.explain()}",
            )
            return Refused(verdict, action)
        won = actions.decide(
            action.pk, decision, by=actor.user_id, by_email=actor.email, at=now, comment=comment
        )
        current = actions.get(action.pk)
        assert current is not None
        if not won:
            audit.add(
                "too-late",
                now,
                action_pk=action.pk,
                actor=actor.user_id,
                actor_email=actor.email,
                roles=actor.roles,
                status_before=current.status,
                reason=f"{act.value}: already {current.status.value}",
            )
            return AlreadyDecided(current)
        audit.add(
            decision.value,
            now,
            action_pk=action.pk,
            actor=actor.user_id,
            actor_email=actor.email,
            roles=actor.roles,
            status_before=Status.PENDING,
            status_after=decision,
            reason=comment,
        )
        return Decided(current)
