"""Socket Mode: Bolt's handler on slack_sdk's websocket-client based client, which reads each new
connection at once.

slack_sdk ships several Socket Mode clients, and on a new connection (at start, and whenever
Slack asks the app to refresh with a `disconnect`) neither sync one reads promptly: the built-in
client reads the new connection only after its read of the old one times out (3 s, so an
envelope sent at once is acked after its 3-second window), and the websocket-client one only
once the old connection's event loop notices that it was closed (up to 10 s). Both read every
connection on one thread, one after the other. PromptSocketModeClient gives each connection a
thread of its own from the moment it is made; everything else (the URL from
apps.connections.open, acks, pings, reconnecting) stays slack_sdk's. bench/socket_reconnect.py
measures the three. The asyncio clients would put Bolt's sync app behind an event loop.

Each envelope counts as a request in flight while Bolt answers it, so that work after an ack
gives way to acks in Socket Mode as it does to HTTP requests.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.websocket_client import SocketModeClient

from bot.inflight import RequestsInFlight

PING_SECONDS = 10
ENVELOPE_THREADS = 16
OPEN_SECONDS = 5.0


class PromptSocketModeClient(SocketModeClient):
    """websocket-client's Socket Mode client, each connection read on its own thread at once."""

    def connect(self) -> None:
        # slack_sdk starts its monitor on the first connect, and its first look comes at once:
        # it would take this connection, still being opened, for a lost one and open another.
        # So the monitor starts only once the first connection is open.
        first = not self.current_app_monitor_started
        self.current_app_monitor_started = True
        super().connect()
        session = self.current_session
        threading.Thread(
            target=self._read, args=(session,), name="socket-mode", daemon=True
        ).start()
        deadline = time.monotonic() + OPEN_SECONDS
        while time.monotonic() < deadline and not _is_open(session):
            time.sleep(0.005)
        if first:
            self.current_app_monitor.start()

    def _run_current_session(self) -> None:
        """slack_sdk's one reader thread would wait for the old connection first; see _read."""

    def _read(self, session: Any) -> None:
        try:
            session.run_forever(
                ping_interval=self.ping_interval,
                http_proxy_host=self.http_proxy_host,
                http_proxy_port=self.http_proxy_port,
                http_proxy_auth=self.http_proxy_auth,
                proxy_type=self.proxy_type,
            )
        except Exception:
            self.logger.exception("a Socket Mode connection failed; reconnecting")
            session.close()  # the monitor sees it closed and opens a new one


def _is_open(session: Any) -> bool:
    sock = getattr(session, "sock", None)
    return bool(sock is not None and sock.connected)


class CountedSocketModeHandler(SocketModeHandler):
    def __init__(self, app: App, app_token: str, requests: RequestsInFlight) -> None:
        # Bolt's own __init__ would build (and start the threads of) a stock client.
        self.app = app
        self.app_token = app_token
        self.client = PromptSocketModeClient(
            app_token=app_token,
            logger=app.logger,
            web_client=app.client,
            ping_interval=PING_SECONDS,
            concurrency=ENVELOPE_THREADS,
        )
        self.client.socket_mode_request_listeners.append(self.handle)
        self.requests = requests

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        with self.requests.counting():
            super().handle(client, req)  # type: ignore[arg-type]

    def connect(self) -> None:
        self.client.connect()

    def close(self) -> None:
        self.client.close()
