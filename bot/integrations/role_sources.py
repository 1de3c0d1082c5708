"""Where roles come from. A role source answers, for one identity, the roles held right now.

The local source reads the assignments made with `actionbot roles`; a Microsoft Graph source can
plug in behind the same protocol. CachedRoleSource bounds staleness by ACTIONBOT_ROLE_CACHE_SECONDS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.domain.roles import Role


@dataclass(frozen=True)
class Identity:
    """A Slack user as the role source sees them: the immutable user ID and the profile email."""

    slack_user_id: str
    email: str | None


class RoleLookupFailed(RuntimeError):
    """The role source could not answer; the act is refused with this reason."""


class RoleSource(Protocol):
    def roles_for(self, identity: Identity) -> frozenset[Role]: ...


class LocalRoleSource:
    """The assignments made with `actionbot roles`, read by `roles_of` (the union of the roles
    granted to any of the subjects: bot.services.roles.roles_of on the bot's database)."""

    def __init__(self, roles_of: Callable[[Iterable[str]], frozenset[Role]]) -> None:
        self.roles_of = roles_of

    def roles_for(self, identity: Identity) -> frozenset[Role]:
        subjects = [identity.slack_user_id] + ([identity.email] if identity.email else [])
        return self.roles_of(subjects)


class CachedRoleSource:
    """Remembers each identity's roles for at most `seconds` (0: asks every time)."""

    def __init__(
        self, inner: RoleSource, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.inner, self.seconds, self.clock = inner, seconds, clock
        self._cache: dict[Identity, tuple[float, frozenset[Role]]] = {}
        self._lock = threading.Lock()

    def roles_for(self, identity: Identity) -> frozenset[Role]:
        if self.seconds <= 0:
            return self.inner.roles_for(identity)
        now = self.clock()
        with self._lock:
            hit = self._cache.get(identity)
        if hit is not None and now - hit[0] < self.seconds:
            return hit[1]
        roles = self.inner.roles_for(identity)
        with self._lock:
            self._cache[identity] = (now, roles)
        return roles
