"""Work that runs after a listener has acked, on a thread of its own, giving way to requests.

Bolt runs each listener on its executor and answers Slack once the listener calls ack(). If the
slow part (users.info, the database, chat.update) stayed on that executor, a burst of clicks would
put dozens of threads to work at once; under the GIL the request threads that still have to send
their acks then wait behind them. So the work goes to one thread, and before each step it waits
while HTTP requests are being answered (at most GIVE_WAY_SECONDS, so a steady stream of requests
slows the work down but never starves it): acks come first, the work runs in the gaps between
them. bench/clicks.py measured one thread against two, and waiting against not waiting.
A failure here is reported exactly as the global error handler reports a listener's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_sdk import WebClient

from bot.inflight import RequestsInFlight
from bot.listeners.errors import report_failure

log = logging.getLogger(__name__)

WORK_THREADS = 1
GIVE_WAY_SECONDS = 0.1


class AfterAck:
    def __init__(
        self, client: WebClient, requests: RequestsInFlight, threads: int = WORK_THREADS
    ) -> None:
        self.client = client
        self.requests = requests
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="after-ack")

    def run(self, body: dict[str, Any], work: Callable[[], None]) -> None:
        """Run `work` soon; `body` is the payload it answers (to tell the user if it fails)."""

        def guarded() -> None:
            self.give_way()
            try:
                work()
            except Exception as error:
                report_failure(self.client, error, body)

        self._pool.submit(guarded)

    def give_way(self) -> None:
        """Wait while HTTP requests are being answered (bounded); call between steps of work."""
        self.requests.wait_until_idle(GIVE_WAY_SECONDS)
