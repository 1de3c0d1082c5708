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

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        log.info("listening on %s", self.url)
        self._server.run()

    def start(self) -> HttpServer:
        """Serve in a background thread (tests, Socket Mode)."""
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
