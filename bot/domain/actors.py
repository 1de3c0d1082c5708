"""Who acts: a person as the bot knows them at the moment of the act."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.roles import Role


@dataclass(frozen=True)
class Actor:
    """Who acts, and the roles they held at that moment."""

    user_id: str
    email: str | None
    roles: frozenset[Role]
