"""A local HTTP server standing in for the Slack Web API (and for response_url webhooks).

Point SLACK_API_URL at `url + "/api/"`. Every call is recorded with its parameters (form, query or
JSON body, merged). Answers follow Slack's real shapes; tests can queue failures per method
(`fail_next("chat.postMessage", status=429, retry_after=1)`), set who users are
(`people["U123"] = "ann@example.com"`), and wait for calls (`wait_for("chat.update")`).
A method can be slowed down (`delays["users.info"] = 4`), or users.info for one person
(`slow_people["U123"] = 4`). files.getUploadURLExternal hands out
upload URLs on this server; the bytes POSTed there are kept in `uploads` ('file_upload' calls).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

TEAM_ID = "T0ACTIONB0T"
BOT_USER_ID = "U0ACTIONB0T"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float


@dataclass
class _Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class SlackApiStandIn:
    """Start with `start()`, stop with `stop()`; `calls` lists every request in arrival order."""

    team_id: str = TEAM_ID
    bot_user_id: str = BOT_USER_ID
    people: dict[str, str | None] = field(default_factory=dict)
    """Slack user ID -> profile email for users.info (None: no email; absent: user_not_found)."""
    calls: list[Call] = field(default_factory=list)
    handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = field(default_factory=dict)
    """Override the answer of a method."""
    delays: dict[str, float] = field(default_factory=dict)
    """Seconds to wait before answering a method (a slow Slack)."""
    slow_people: dict[str, float] = field(default_factory=dict)
    """Seconds users.info waits before answering about each of these user IDs."""
    uploads: dict[str, bytes] = field(default_factory=dict)
    """Bytes POSTed to each upload_url that files.getUploadURLExternal handed out, by file id."""

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        self._failures: dict[str, list[_Failure]] = {}
        self._ts = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None

    # --- control ---------------------------------------------------------------------------

    def start(self) -> SlackApiStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                stand_in._handle(self)

            def do_GET(self) -> None:
                stand_in._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, name: str = "1") -> str:
        """A response_url for payloads; posts to it are recorded as method 'response_url'."""
        return f"{self.url}/response/{name}"

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        error: str = "internal_error",
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        body = {"ok": False, "error": "ratelimited" if status == 429 else error}
        with self._lock:
            self._failures.setdefault(method, []).extend(
                _Failure(status, body, headers) for _ in range(times)
            )

    def clear_failures(self) -> None:
        """Forget every queued failure (Slack is back)."""
        with self._lock:
            self._failures.clear()

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until `count` calls to `method` have arrived; fails the test on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len([c for c in self.calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(
                        f"expected {count} {method} call(s) within {timeout}s; got {seen}"
                    )
                self._lock.wait(left)
            return [c for c in self.calls if c.method == method]

    # --- serving ---------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        params: dict[str, Any] = dict(parse_qsl(parsed.query))
        content_type = request.headers.get("Content-Type", "")
        if parsed.path.startswith("/upload/"):
            params["_size"] = len(raw)  # the bytes themselves go to `uploads`
        elif raw and "json" in content_type:
            params.update(json.loads(raw))
        elif raw and "form" in content_type:
            params.update(parse_qsl(raw.decode()))
        elif raw:
            params["_raw"] = raw
        if parsed.path.startswith("/response/"):
            method = "response_url"
            params["_response_url"] = parsed.path
        elif parsed.path.startswith("/upload/"):
            method = "file_upload"
            params["_file_id"] = parsed.path.removeprefix("/upload/")
        else:
            method = parsed.path.removeprefix("/api/")
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self._lock:
            self.calls.append(Call(method, params, headers, time.monotonic()))
            if method == "file_upload":
                self.uploads[params["_file_id"]] = raw
            failures = self._failures.get(method)
            failure = failures.pop(0) if failures else None
            self._lock.notify_all()
        if method in self.delays:
            time.sleep(self.delays[method])
        if method == "users.info" and params.get("user") in self.slow_people:
            time.sleep(self.slow_people[params["user"]])
        if failure is not None:
            self._send(request, failure.status, failure.body, failure.headers)
            return
        self._send(request, 200, self._answer(method, params), {})

    def _send(
        self,
        request: BaseHTTPRequestHandler,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str],
    ) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method in self.handlers:
            return self.handlers[method](params)
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://example.slack.com/",
                "team": "Example",
                "user": "actionbot",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": "B0ACTIONB0T",
            }
        if method == "users.info":
            user_id = params.get("user", "")
            if user_id not in self.people:
                return {"ok": False, "error": "user_not_found"}
            email = self.people[user_id]
            profile = {"real_name": user_id, "display_name": user_id}
            if email:
                profile["email"] = email
            return {
                "ok": True,
                "user": {
                    "id": user_id,
                    "team_id": self.team_id,
                    "name": user_id.lower(),
                    "profile": profile,
                },
            }
        if method == "chat.postMessage":
            ts = f"{1700000000 + next(self._ts)}.000100"
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": ts,
                "message": {"text": params.get("text", ""), "ts": ts},
            }
        if method == "chat.update":
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": params.get("ts"),
                "text": params.get("text", ""),
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + next(self._ts)}.000200"}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V0000001", "type": "modal"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F0{next(self._file_ids):08d}"
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "file_upload":
            return {"ok": True}
        if method == "files.completeUploadExternal":
            files = json.loads(params.get("files") or "[]")
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D0" + str(params.get("users", "X"))[:9]}}
        return {"ok": True}
