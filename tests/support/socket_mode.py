"""A local stand-in for Slack's Socket Mode server, on a loopback WebSocket (websockets' server).

Slack's side of the protocol: apps.connections.open (on the Web API stand-in, see `serve_on`)
hands out this server's ws:// URL; each new connection gets `hello`; the server then sends
envelopes `{"envelope_id", "type", "payload", "accepts_response_payload"}` of type interactive,
slash_commands or events_api, and expects an ack `{"envelope_id", "payload"?}` for each; a
`disconnect` with reason `refresh_requested` asks the client to open a new connection.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from tests.support.slack_api import SlackApiStandIn


@dataclass(frozen=True)
class Ack:
    envelope_id: str
    at: float
    """time.monotonic() when the ack arrived."""
    payload: Any


@dataclass(frozen=True)
class Envelope:
    envelope_id: str
    kind: str
    sent_at: float


class SocketModeStandIn:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._ids = itertools.count(1)
        self._connections: list[ServerConnection] = []
        self.opened_at: list[float] = []
        self.acks: dict[str, Ack] = {}
        self.sent: dict[str, Envelope] = {}
        self._on_next_open: list[dict[str, Any]] = []
        self._server: Server | None = None

    def start(self) -> SocketModeStandIn:
        self._server = serve(self._serve, "127.0.0.1", 0)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link"

    def serve_on(self, slack: SlackApiStandIn) -> None:
        """Make the Web API stand-in's apps.connections.open hand out this server's URL."""
        slack.handlers["apps.connections.open"] = lambda _params: {"ok": True, "url": self.url}

    # --- what Slack does ---------------------------------------------------------------------

    def send(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = False
    ) -> str:
        """Send an envelope on the newest open connection; returns its envelope_id."""
        envelope = self._envelope(kind, payload, accepts_response_payload)
        with self._lock:
            connection = self._connections[-1]
        self._send(connection, envelope)
        return str(envelope["envelope_id"])

    def send_on_next_connection(self, kind: str, payload: dict[str, Any]) -> str:
        """Send an envelope the moment the next connection opens, right after its hello."""
        envelope = self._envelope(kind, payload, False)
        with self._lock:
            self._on_next_open.append(envelope)
        return str(envelope["envelope_id"])

    def ask_to_refresh(self) -> None:
        """Slack's `disconnect` (reason refresh_requested) on the newest connection."""
        message = {
            "type": "disconnect",
            "reason": "refresh_requested",
            "debug_info": {"host": "applink-stand-in"},
        }
        with self._lock:
            connection = self._connections[-1]
        connection.send(json.dumps(message))

    # --- what the test waits for -------------------------------------------------------------

    def wait_for_connections(self, count: int, timeout: float = 10.0) -> None:
        self._wait(lambda: len(self.opened_at) >= count, timeout, f"{count} connection(s)")

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> Ack:
        self._wait(lambda: envelope_id in self.acks, timeout, f"the ack of {envelope_id}")
        return self.acks[envelope_id]

    def ack_delay(self, envelope_id: str, timeout: float = 10.0) -> float:
        """Seconds from sending the envelope to its ack."""
        ack = self.wait_for_ack(envelope_id, timeout)
        return ack.at - self.sent[envelope_id].sent_at

    # --- serving -----------------------------------------------------------------------------

    def _serve(self, connection: ServerConnection) -> None:
        hello = {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {"host": "applink-stand-in", "approximate_connection_time": 3600},
            "connection_info": {"app_id": "A0ACTIONB0T"},
        }
        try:
            connection.send(json.dumps(hello))
        except ConnectionClosed:
            return  # the client gave up on this connection before its hello
        with self._lock:
            self._connections.append(connection)
            self.opened_at.append(time.monotonic())
            queued, self._on_next_open = self._on_next_open, []
            self._lock.notify_all()
        for envelope in queued:
            self._send(connection, envelope)
        try:
            for message in connection:
                self._received(message)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self._connections.remove(connection)

    def _received(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
        except ValueError:
            return
        envelope_id = data.get("envelope_id") if isinstance(data, dict) else None
        if isinstance(envelope_id, str):
            with self._lock:
                self.acks.setdefault(
                    envelope_id, Ack(envelope_id, time.monotonic(), data.get("payload"))
                )
                self._lock.notify_all()

    def _envelope(
        self, kind: str, payload: dict[str, Any], accepts_response_payload: bool
    ) -> dict[str, Any]:
        return {
            "envelope_id": f"env-{next(self._ids):06d}",
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": 0,
            "retry_reason": "",
        }

    def _send(self, connection: ServerConnection, envelope: dict[str, Any]) -> None:
        envelope_id = str(envelope["envelope_id"])
        with self._lock:
            self.sent[envelope_id] = Envelope(envelope_id, str(envelope["type"]), time.monotonic())
        connection.send(json.dumps(envelope))

    def _wait(self, done: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"waited {timeout}s for {what}")
                self._lock.wait(left)
