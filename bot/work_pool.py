"""Work that runs after a listener has acked, on a small pool of its own, giving way to requests.

Bolt runs each listener on its executor and answers Slack once the listener calls ack(). The slow
part (users.info, the role source, the database, chat.update, an export) goes to a pool instead:
Bolt's threads stay free for acks, however slow the work, and the pool is small and bounded
(ACTIONBOT_WORK_THREADS), so a burst of clicks does not put dozens of threads to work at once.
A thread blocked on a slow or hung Slack call (each call of the click path has a time-out of
ACTIONBOT_SLACK_TIMEOUT) delays only its own click; the others go on.

Before each step, work waits while requests are being answered (HTTP requests, or Socket Mode
envelopes), at most GIVE_WAY_SECONDS, so that under the GIL acks come first and a steady stream
of requests slows the work down but never starves it. bench/clicks.py measures it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

log = logging.getLogger(__name__)

GIVE_WAY_SECONDS = 0.1

OnFailure = Callable[[Exception, dict[str, Any]], None]
"""Tells the person a failed piece of work was for (the global error handler's report)."""


class Requests(Protocol):
    def wait_until_idle(self, at_most: float) -> bool: ...


class WorkPool:
    def __init__(self, requests: Requests, threads: int, name: str, on_failure: OnFailure) -> None:
        self.requests = requests
        self.on_failure = on_failure
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)

    def run(self, body: dict[str, Any], work: Callable[[], None]) -> None:
        """Run `work` soon; `body` is the payload it answers (to tell the user if it fails)."""

        def guarded() -> None:
            self.give_way()
            try:
                work()
            except Exception as error:
                self.on_failure(error, body)

        self._pool.submit(guarded)

    def give_way(self) -> None:
        """Wait while requests are being answered (bounded); call between steps of work."""
        self.requests.wait_until_idle(GIVE_WAY_SECONDS)

    def close(self) -> None:
        """Let queued work finish, accept no more."""
        self._pool.shutdown(wait=False)
