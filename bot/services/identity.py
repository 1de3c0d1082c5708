"""Resolving who acts, at the moment of the act.

From the clicker's immutable Slack user ID (never the button's value or a display name): the team
must be allowed, the profile email comes from Slack, the roles from the configured role source.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from bot.domain.actors import Actor
from bot.integrations.role_sources import Identity, RoleLookupFailed, RoleSource
from bot.integrations.slack_people import PeopleDirectory, PeopleLookupFailed


class NotAllowed(Exception):
    """The user cannot be resolved or comes from a team that may not act; the message says why,
    `kind` in a word (other-team, unknown-user, lookup-failed: the refusals metric's reason)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class ActorResolver:
    people: PeopleDirectory
    roles: RoleSource
    allowed_teams: Callable[[], Collection[str]]
    """The Slack team IDs whose users may act (default: the bot's own team)."""

    def resolve(self, user_id: str, team_id: str | None) -> Actor:
        allowed = self.allowed_teams()
        if not team_id or team_id not in allowed:
            raise NotAllowed(
                "actionbot only accepts requests from members of its own workspace "
                f"(team {team_id or 'unknown'} is not allowed)",
                "other-team",
            )
        try:
            email = self.people.email_of(user_id)
        except PeopleLookupFailed as exc:
            again = "; please try again in a moment" if exc.transient else ""
            kind = "unknown-user" if "user_not_found" in str(exc) else "lookup-failed"
            raise NotAllowed(f"{exc}, so your roles were not checked{again}", kind) from None
        try:
            roles = self.roles.roles_for(Identity(user_id, email))
        except RoleLookupFailed as exc:
            raise NotAllowed(f"your roles could not be checked: {exc}", "lookup-failed") from None
        return Actor(user_id=user_id, email=email, roles=roles)
