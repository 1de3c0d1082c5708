"""RequestsInFlight: background work waits while requests are answered, and never forever."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import pytest

from bot.inflight import RequestsInFlight

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def ignore_start(*_: object) -> Callable[[bytes], object]:
    return lambda _data: None


def test_waits_while_a_request_is_answered_and_wakes_when_it_ends() -> None:
    requests = RequestsInFlight()
    answering, finish = threading.Event(), threading.Event()

    def slow(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        answering.set()
        finish.wait(5)
        start_response("200 OK", [])
        return [b"done"]

    app = requests.wrap(slow)
    thread = threading.Thread(target=app, args=({}, ignore_start))
    thread.start()
    answering.wait(5)

    assert requests.wait_until_idle(0.05) is False  # bounded: gives up while it is answered

    threading.Timer(0.1, finish.set).start()
    started = time.monotonic()
    assert requests.wait_until_idle(5) is True
    assert time.monotonic() - started < 2  # woken when the request ended, not at the limit
    thread.join(5)


def test_counts_a_request_that_fails_as_ended() -> None:
    requests = RequestsInFlight()

    def failing(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        raise RuntimeError("boom")

    app = requests.wrap(failing)
    with pytest.raises(RuntimeError):
        app({}, ignore_start)
    assert requests.wait_until_idle(0) is True
