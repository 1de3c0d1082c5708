"""Counting the requests being answered (HTTP requests, Socket Mode envelopes), so that
background work can give way to them.

WSGI middleware (`RequestsInFlight.wrap`) around the whole web app; listeners and jobs wait on it
without importing the web layer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class RequestsInFlight:
    """Counts the requests a WSGI application is answering, so that background work can give way
    to them: under the GIL, a thread that has work to do slows down every request thread.

    `wrap(app)` counts (WSGI middleware around the whole web app); `wait_until_idle(at_most)`
    returns once none is being answered, or after `at_most` seconds, so that a steady stream of
    requests delays background work but never starves it."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    def wrap(self, app: WSGIApplication) -> WSGIApplication:
        def counted(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
            with self.counting():
                return app(environ, start_response)

        return counted

    @contextmanager
    def counting(self) -> Iterator[None]:
        """Count one request (an HTTP request, or a Socket Mode envelope) while it is answered."""
        with self._idle:
            self._count += 1
        try:
            yield
        finally:
            with self._idle:
                self._count -= 1
                if not self._count:
                    self._idle.notify_all()

    def wait_until_idle(self, at_most: float) -> bool:
        """True when no request is being answered; False when `at_most` seconds ran out first."""
        deadline = time.monotonic() + at_most
        with self._idle:
            while self._count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True
