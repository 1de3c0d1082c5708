"""Deciding: approving or rejecting a pending action, under the permission table, race-safely.

The caller resolves who the decider is and which roles they hold *before* calling (no network
call inside the transaction). Permission is checked before anything else is said, so a refused
user learns only what they lack. Every decision, refused attempt and lost race is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot import metrics
from bot.domain.actors import Actor as Actor  # re-exported: callers decide as an Actor
from bot.domain.clock import utcnow
from bot.domain.records import ActionRecord, ActionRef
from bot.domain.roles import Act, Verdict, authorize
from bot.domain.statuses import Status
from storage.db import Database
from storage.repositories import ActionRepository, AuditRepository, ClaimedCard


@dataclass(frozen=True)
class Decided:
    action: ActionRecord
    card: ClaimedCard | None = None
    """The lease on the action's card, taken with the decision when the caller asked for it:
    the decider then updates the card itself and no other poster will."""


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


@dataclass(frozen=True)
class MayDecide:
    """The actor may decide and the action is still pending (nothing was changed yet)."""

    action: ActionRecord


Outcome = Decided | AlreadyDecided | Refused | NotFound

_ACTS = {Status.APPROVED: Act.APPROVE, Status.REJECTED: Act.REJECT}


def decide(
    db: Database,
    ref: ActionRef,
    decision: Status,
    actor: Actor,
    *,
    comment: str | None = None,
    now: datetime | None = None,
    lease_card_for: timedelta | None = None,
) -> Outcome:
    """Approve or reject the action `ref` on behalf of `actor`.
    With `lease_card_for`, a posted card's update is claimed in the same transaction."""
    now = now or utcnow()
    with db.write() as session:
        gate = _Gate(session, _ACTS[decision], actor, now)
        checked = gate.check(ref)
        if not isinstance(checked, MayDecide):
            return checked
        action = checked.action
        actions = ActionRepository(session)
        won = actions.decide(
            action.pk, decision, by=actor.user_id, by_email=actor.email, at=now, comment=comment
        )
        current = actions.get(action.pk)
        assert current is not None
        if not won:
            gate.audit("too-late", current, f"already {current.status.value}")
            return AlreadyDecided(current)
        gate.audit(decision.value, current, comment, status_before=Status.PENDING)
        card = None
        if lease_card_for is not None:
            card = actions.claim_card(action.pk, now, now + lease_card_for)
        return Decided(current, card)


def may_decide(
    db: Database, ref: ActionRef, decision: Status, actor: Actor, *, now: datetime | None = None
) -> MayDecide | AlreadyDecided | Refused | NotFound:
    """Check, before asking for more (a rejection's reason), whether `actor` could decide `ref`
    now. Nothing changes; refusals, unknown references and late clicks are audited."""
    with db.write() as session:
        return _Gate(session, _ACTS[decision], actor, now or utcnow()).check(ref)


@dataclass
class _Gate:
    """What `decide` and `may_decide` check first, in this order: the action exists, the actor
    may do this to it (before anything else is said), it is still pending."""

    session: Session
    act: Act
    actor: Actor
    now: datetime

    def check(self, ref: ActionRef) -> MayDecide | AlreadyDecided | Refused | NotFound:
        action = ActionRepository(self.session).find(ref)
        if action is None:
            self.audit("unknown-action", None, "no such action", ref=str(ref))
            return NotFound(str(ref))
        verdict = authorize(self.actor.roles, self.act, action.type.category)
        if not verdict.allowed:
            self.audit("refused", action, verdict.explain())
            return Refused(verdict, action)
        if action.status is not Status.PENDING:
            self.audit("too-late", action, f"already {action.status.value}")
            return AlreadyDecided(action)
        return MayDecide(action)

    def audit(
        self,
        kind: str,
        action: ActionRecord | None,
        reason: str | None,
        *,
        ref: str | None = None,
        status_before: Status | None = None,
    ) -> None:
        decided = kind in (Status.APPROVED.value, Status.REJECTED.value)
        if decided and action is not None:
            metrics.decided(kind, action.type.category)
        elif kind == "refused":
            metrics.refused(self.act.value, "missing-role")
        AuditRepository(self.session).add(
            kind,
            self.now,
            action_pk=action.pk if action else None,
            action_ref=ref[:200] if ref is not None else None,
            actor=self.actor.user_id,
            actor_email=self.actor.email,
            roles=self.actor.roles,
            status_before=status_before or (action.status if action else None),
            status_after=action.status if decided and action else None,
            reason=reason if decided else f"{self.act.value}: {reason}",
        )
