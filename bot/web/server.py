"""Serving the WSGI application with waitress: a production-grade, multi-threaded pure-Python
server that runs in-process (so tests and the Socket Mode runner can start it on any port).

Only waitress's public API is used: `create_server` (with the socket map it documents as a
parameter, and poll() rather than select(), which caps at 1,024 sockets), `run`, `close`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import TYPE_CHECKING, Any

from waitress import wasyncore
from waitress.server import create_server

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 4 * 1024 * 1024


class PortUnavailable(RuntimeError):
    """The host/port cannot be listened on (in use, or not an address of this machine)."""


class HttpServer:
    def __init__(self, app: WSGIApplication, host: str, port: int, threads: int = 16) -> None:
        self._map: dict[int, Any] = {}
        try:
            self._server: Any = create_server(
                app,
                map=self._map,
                host=host,
                port=port,
                threads=threads,
                ident="actionbot",
                clear_untrusted_proxy_headers=True,
                channel_timeout=60,
                asyncore_use_poll=True,
                asyncore_loop_timeout=1,
                # Bodies this large are refused (413) as soon as their length shows, before they
                # are read; smaller ones over a handler's own limit get that handler's answer.
                max_request_body_size=MAX_BODY_BYTES,
            )
        except OSError as exc:
            raise PortUnavailable(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}"
            ) from None
        self.host = host
        self.port: int = getattr(self._server, "effective_port")  # noqa: B009 (untyped union)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve until `close()` (waitress's `run`, which returns once its socket map is empty)."""
        log.info("listening on %s", self.url)
        try:
            self._server.run()
        finally:
            self.close()

    def start(self) -> HttpServer:
        """Serve in a background thread (tests, Socket Mode)."""
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; safe to call from a signal handler, another thread, or more than once.

        The loop is woken (pull_trigger), then the listening socket, the trigger and every open
        connection are closed and the map emptied, so that `run` returns within one poll."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        with contextlib.suppress(OSError):  # the trigger is already closed
            self._server.pull_trigger()
        self._server.close()
        wasyncore.close_all(self._map)
        self._server.task_dispatcher.shutdown()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
