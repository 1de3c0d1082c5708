"""A click on Approve or Reject, from the clicker's Slack identity to the outcome.

Who clicked is resolved first, at the moment of the click and outside any transaction (Slack's
users.info, the role source); a clicker who cannot be resolved, or whose team may not act, is
refused and audited. Then the decision service applies the permission table race-safely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import metrics
from bot.domain.actors import Actor
from bot.domain.clock import utcnow
from bot.domain.records import ActionRef
from bot.domain.statuses import Status
from bot.services.decide import (
    AlreadyDecided,
    Decided,
    MayDecide,
    NotFound,
    Outcome,
    Refused,
    decide,
    may_decide,
)
from bot.services.identity import ActorResolver, NotAllowed
from bot.services.posting import LEASE
from storage.db import Database
from storage.repositories import ActionRepository, AuditRepository


@dataclass(frozen=True)
class Unresolved:
    """The clicker may not act at all: another team, or their roles could not be checked."""

    reason: str


ClickOutcome = Outcome | Unresolved
CheckOutcome = MayDecide | AlreadyDecided | Refused | NotFound | Unresolved

__all__ = [
    "AlreadyDecided",
    "CheckOutcome",
    "ClickOutcome",
    "Decided",
    "MayDecide",
    "NotFound",
    "Refused",
    "Unresolved",
    "check_click",
    "decide_as",
    "decide_click",
    "resolve_clicker",
]


def decide_click(
    db: Database,
    resolver: ActorResolver,
    *,
    ref: ActionRef,
    decision: Status,
    user_id: str,
    team_id: str | None,
    comment: str | None = None,
) -> ClickOutcome:
    """Approve or reject `ref` for the Slack user who clicked. A decision comes with the lease on
    the card's update, so the clicker's own thread updates the card at once."""
    actor = resolve_clicker(
        db, resolver, ref=ref, decision=decision, user_id=user_id, team_id=team_id
    )
    return decide_as(db, actor, ref=ref, decision=decision, comment=comment)


def decide_as(
    db: Database,
    actor: Actor | Unresolved,
    *,
    ref: ActionRef,
    decision: Status,
    comment: str | None = None,
) -> ClickOutcome:
    """decide_click's second half, for a clicker resolved beforehand (resolve_clicker)."""
    if isinstance(actor, Unresolved):
        return actor
    return decide(db, ref, decision, actor, comment=comment, lease_card_for=LEASE)


def check_click(
    db: Database,
    resolver: ActorResolver,
    *,
    ref: ActionRef,
    decision: Status,
    user_id: str,
    team_id: str | None,
) -> CheckOutcome:
    """Whether the Slack user who clicked could decide `ref` now (before asking for a reason)."""
    actor = resolve_clicker(
        db, resolver, ref=ref, decision=decision, user_id=user_id, team_id=team_id
    )
    if isinstance(actor, Unresolved):
        return actor
    return may_decide(db, ref, decision, actor)


def resolve_clicker(
    db: Database,
    resolver: ActorResolver,
    *,
    ref: ActionRef,
    decision: Status,
    user_id: str,
    team_id: str | None,
) -> Actor | Unresolved:
    """The clicker as an actor, or the audited refusal of a user who cannot be resolved."""
    try:
        return resolver.resolve(user_id, team_id)
    except NotAllowed as exc:
        metrics.refused("approve" if decision is Status.APPROVED else "reject", exc.kind)
        return _unresolved(db, ref, decision, user_id, team_id, str(exc))


def _unresolved(
    db: Database,
    ref: ActionRef,
    decision: Status,
    user_id: str,
    team_id: str | None,
    reason: str,
    now: datetime | None = None,
) -> Unresolved:
    act = "approve" if decision is Status.APPROVED else "reject"
    with db.write() as session:
        action = ActionRepository(session).find(ref) if str(ref) else None
        AuditRepository(session).add(
            "refused",
            now or utcnow(),
            action_pk=action.pk if action else None,
            action_ref=str(ref)[:200],
            actor=user_id,
            status_before=action.status if action else None,
            reason=f"{act}: {reason} (team {team_id or 'unknown'})",
        )
    return Unresolved(reason)
