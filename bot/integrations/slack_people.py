"""Who a Slack user is: their profile email, from users.info (scope users:read.email)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


class PeopleLookupFailed(RuntimeError):
    """Slack could not tell who the user is (after the client's retries); the act is refused
    with this reason, which says it was Slack and not the user's roles. `transient`: Slack was
    slow, rate-limited or failing, and the same click may work in a moment."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.transient = transient


class PeopleDirectory(Protocol):
    def email_of(self, user_id: str) -> str | None: ...


class SlackPeople:
    """users.info behind a small cache (at most `seconds` old; 0 asks every time)."""

    def __init__(
        self, client: WebClient, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.client, self.seconds, self.clock = client, seconds, clock
        self._cache: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def email_of(self, user_id: str) -> str | None:
        now = self.clock()
        with self._lock:
            hit = self._cache.get(user_id)
        if hit is not None and now - hit[0] < self.seconds:
            return hit[1]
        try:
            response = self.client.users_info(user=user_id)
        except SlackApiError as exc:
            error = exc.response.get("error")
            raise PeopleLookupFailed(
                f"Slack could not say who you are (users.info: {error})",
                transient=exc.response.status_code == 429 or exc.response.status_code >= 500,
            ) from None
        except OSError as exc:  # a time-out or no connection, after the client's own retries
            raise PeopleLookupFailed(
                f"Slack did not answer users.info ({type(exc).__name__})", transient=True
            ) from None
        profile = (response.get("user") or {}).get("profile") or {}
        email = profile.get("email")
        email = email.casefold() if isinstance(email, str) and email else None
        if self.seconds > 0:
            with self._lock:
                self._cache[user_id] = (now, email)
        return email
