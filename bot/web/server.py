"""Serving the WSGI application with waitress: a production-grade, multi-threaded pure-Python
server that runs in-process (so tests and the Socket Mode runner can start it on any port)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from waitress.server import create_server

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 4 * 1024 * 1024


class PortUnavailable(RuntimeError):
    """The host/port cannot be listened on (in use, or not an address of this machine)."""


class HttpServer:
    def __init__(self, app: WSGIApplication, host: str, port: int, threads: int = 16) -> None:
        try:
            self._server: Any = create_server(
                app,
                host=host,
                port=port,
                threads=threads,
                ident="actionbot",
                clear_untrusted_proxy_headers=True,
                channel_timeout=60,
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
        self._stopping = threading.Event()
        self._lock = threading.RLock()  # close() may run in a signal handler
        self._serving = False
        self._closed = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve until `close()`. The loop wakes for each request and for close's trigger, and it
        closes the sockets itself, so no other thread pulls them out from under its select()."""
        log.info("listening on %s", self.url)
        server = self._server
        with self._lock:
            self._serving = True
        try:
            while not self._stopping.is_set():
                server.asyncore.loop(timeout=1.0, map=server._map, count=1)
        finally:
            server.task_dispatcher.shutdown()
            self._close_sockets()

    def start(self) -> HttpServer:
        """Serve in a background thread (tests, Socket Mode)."""
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; safe to call from a signal handler, another thread, or more than once."""
        self._stopping.set()
        with self._lock:  # held while pulling, so the loop cannot close the trigger meanwhile
            if self._serving and not self._closed:
                self._server.pull_trigger()
                serving = True
            else:
                serving = False
        if not serving:
            self._close_sockets()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _close_sockets(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._server.close()
