"""Work that runs after a listener has acked, on a few threads of its own.

Bolt runs each listener on its executor and answers Slack once the listener calls ack(). If the
slow part (users.info, the database, chat.update) stayed on that executor, a burst of clicks would
put dozens of threads to work at once; under the GIL the request threads that still have to
send their acks then wait behind them. A small, bounded pool keeps the acks fast and the work
orderly. A failure here is reported exactly as the global error handler reports a listener's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_sdk import WebClient

from bot.listeners.errors import report_failure

log = logging.getLogger(__name__)

WORK_THREADS = 2


class AfterAck:
    def __init__(self, client: WebClient, threads: int = WORK_THREADS) -> None:
        self.client = client
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="after-ack")

    def run(self, body: dict[str, Any], work: Callable[[], None]) -> None:
        """Run `work` soon; `body` is the payload it answers (to tell the user if it fails)."""

        def guarded() -> None:
            try:
                work()
            except Exception as error:
                report_failure(self.client, error, body)

        self._pool.submit(guarded)
