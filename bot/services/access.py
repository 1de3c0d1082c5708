"""Who may see actions: the caller is resolved at the moment of the command or click, from the
signed payload's user and team IDs, and checked against the permission table before anything
else is said. A refusal says only what the caller lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import metrics
from bot.domain.actors import Actor
from bot.domain.roles import Act, authorize
from bot.services.identity import ActorResolver, NotAllowed


@dataclass(frozen=True)
class Caller:
    """Who sent a command or clicked, as the signed payload says."""

    user_id: str
    team_id: str | None


@dataclass(frozen=True)
class Denied:
    reason: str


def resolve(resolver: ActorResolver, caller: Caller) -> Actor | Denied:
    """The caller's roles right now, or why they cannot be known (other team, failed lookup)."""
    try:
        return resolver.resolve(caller.user_id, caller.team_id)
    except NotAllowed as exc:
        metrics.refused(Act.VIEW.value, exc.kind)
        return Denied(str(exc))


def viewer(resolver: ActorResolver, caller: Caller) -> Actor | Denied:
    """The caller, if they may see actions (pending, history, details, export)."""
    actor = resolve(resolver, caller)
    if isinstance(actor, Denied):
        return actor
    verdict = authorize(actor.roles, Act.VIEW)
    if not verdict.allowed:
        metrics.refused(Act.VIEW.value, "missing-role")
        return Denied(verdict.explain())
    return actor
