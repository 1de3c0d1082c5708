"""A small local Slack: the Web API methods the bot calls, response_url and file uploads, the web
page (the channel, the DM, ephemeral replies, modals) and the requests Slack sends the app.

Clicks, slash commands and modal submissions from the page reach the bot as Slack would send
them: real-shaped payloads, signed with the signing secret (v0 HMAC), POSTed to /slack/events.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlparse

from sandbox import blockkit
from sandbox.people import (
    ACTIONS_CHANNEL,
    ACTIONS_CHANNEL_NAME,
    BOT_USER_ID,
    BY_ID,
    PEOPLE,
    TEAM_ID,
)

API_APP_ID = "A0ACTIONBOT"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature (v0): HMAC-SHA256 of 'v0:{timestamp}:{body}'."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def dm_of(user_id: str) -> str:
    return "D" + user_id[1:]


@dataclass
class Message:
    id: int
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    ephemeral_for: str | None = None
    author: str = BOT_USER_ID
    file_id: str | None = None


@dataclass
class Modal:
    view_id: str
    user: str
    view: dict[str, Any]


@dataclass
class Upload:
    file_id: str
    filename: str
    data: bytes = b""
    title: str | None = None


@dataclass
class _Reply:
    user: str
    channel: str
    message_id: int | None


@dataclass
class SlackStandIn:
    signing_secret: str
    bot_events_url: str = ""
    """The bot's /slack/events, set once the bot listens."""
    ingest: Any = None
    """Called by the page's 'Add pending action' button."""
    messages: list[Message] = field(default_factory=list)
    modals: dict[str, Modal] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    state_file: Path | None = None
    """Where the channel's messages and uploaded files are kept, so that a restart on the same
    data folder shows the cards the bot already posted (and will update)."""

    def __post_init__(self) -> None:
        self.lock = threading.Condition()
        self.version = 0
        self._load()
        first_id = max([m.id for m in self.messages] + [0]) + len(self.uploads) + 1
        self._ids = itertools.count(first_id)
        self._ts = itertools.count(1)
        self._tokens = itertools.count(1)
        self._replies: dict[str, _Reply] = {}
        self._triggers: dict[str, str] = {}
        self._server: ThreadingHTTPServer | None = None

    # --- serving --------------------------------------------------------------------------

    def listen(self, host: str, port: int) -> SlackStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                stand_in.handle(self)

            def do_POST(self) -> None:
                stand_in.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        return self

    def serve_in_background(self) -> None:
        assert self._server is not None
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def serve_forever(self) -> None:
        assert self._server is not None
        self._server.serve_forever()

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        path = parsed.path
        query = dict(parse_qsl(parsed.query))
        try:
            if path.startswith("/api/"):
                params = _params(query, raw, request.headers.get("Content-Type", ""))
                self._json(request, self.web_api(path.removeprefix("/api/"), params))
            elif path.startswith("/response/"):
                self.response_url(path.removeprefix("/response/"), json.loads(raw or b"{}"))
                self._json(request, {"ok": True})
            elif path.startswith("/upload/"):
                self.upload(path.removeprefix("/upload/"), raw)
                self._json(request, {"ok": True})
            elif path in ("/", "/index.html"):
                self._static(request, "page.html", "text/html; charset=utf-8")
            elif path == "/sandbox/page.js":
                self._static(request, "page.js", "text/javascript; charset=utf-8")
            elif path == "/sandbox/page.css":
                self._static(request, "page.css", "text/css; charset=utf-8")
            elif path == "/sandbox/people":
                self._json(request, {"people": [_person(p) for p in PEOPLE]})
            elif path == "/sandbox/state":
                self._json(request, self.state(query.get("user", ""), query.get("channel", "")))
            elif path.startswith("/sandbox/files/"):
                self._file(request, path.removeprefix("/sandbox/files/"))
            elif path.startswith("/sandbox/") and request.command == "POST":
                body = json.loads(raw or b"{}")
                self._json(request, self.page_request(path.removeprefix("/sandbox/"), body))
            else:
                self._send(request, 404, b"not found", "text/plain")
        except (KeyError, ValueError) as exc:
            self._json(request, {"ok": False, "error": f"bad request: {exc}"}, status=400)

    def _send(
        self, request: BaseHTTPRequestHandler, status: int, data: bytes, kind: str, **headers: str
    ) -> None:
        request.send_response(status)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(data)))
        request.send_header("Cache-Control", "no-store")
        for name, value in headers.items():
            request.send_header(name.replace("_", "-"), value)
        request.end_headers()
        request.wfile.write(data)

    def _json(
        self, request: BaseHTTPRequestHandler, body: dict[str, Any], status: int = 200
    ) -> None:
        self._send(request, status, json.dumps(body).encode(), "application/json; charset=utf-8")

    def _static(self, request: BaseHTTPRequestHandler, name: str, kind: str) -> None:
        data = resources.files("sandbox").joinpath("static", name).read_bytes()
        self._send(request, 200, data, kind)

    def _file(self, request: BaseHTTPRequestHandler, file_id: str) -> None:
        upload = self.uploads.get(file_id)
        if upload is None:
            self._send(request, 404, b"no such file", "text/plain")
            return
        disposition = f"attachment; filename*=UTF-8''{quote(upload.filename)}"
        self._send(
            request, 200, upload.data, "application/octet-stream", Content_Disposition=disposition
        )

    def _changed(self) -> None:
        self.version += 1
        self.lock.notify_all()
        self._save()

    def _save(self) -> None:
        if self.state_file is None:
            return
        state = {
            "messages": [asdict(m) for m in self.messages],
            "uploads": [
                asdict(u) | {"data": base64.b64encode(u.data).decode()}
                for u in self.uploads.values()
            ],
        }
        partial = self.state_file.with_suffix(".partial")
        partial.write_text(json.dumps(state))
        partial.replace(self.state_file)

    def _load(self) -> None:
        if self.state_file is None or not self.state_file.exists():
            return
        state = json.loads(self.state_file.read_text())
        self.messages = [Message(**m) for m in state.get("messages", [])]
        for u in state.get("uploads", []):
            upload = Upload(**(u | {"data": base64.b64decode(u["data"])}))
            self.uploads[upload.file_id] = upload

    # --- the Web API ----------------------------------------------------------------------

    def web_api(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.calls.append((method, params))
            return self._method(method, params)

    def _method(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "http://sandbox.slack.localhost/",
                "team": "Contoso (sandbox)",
                "user": "actionbot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": "B0ACTIONBOT",
            }
        if method == "users.info":
            person = BY_ID.get(str(params.get("user", "")))
            if person is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": _person(person) | {"profile": _profile(person)}}
        if method == "conversations.open":
            users = str(params.get("users", ""))
            return {"ok": True, "channel": {"id": dm_of(users.split(",")[0])}}
        if method == "chat.postMessage":
            channel = _channel(str(params["channel"]))
            msg = self._post(channel, params, thread_ts=params.get("thread_ts"))
            return {"ok": True, "channel": channel, "ts": msg.ts, "message": _shown(msg)}
        if method == "chat.update":
            channel = _channel(str(params["channel"]))
            for msg in self.messages:
                if msg.channel == channel and msg.ts == params.get("ts") and not msg.ephemeral_for:
                    msg.text = str(params.get("text", msg.text))
                    if "blocks" in params:
                        msg.blocks = _blocks(params.get("blocks"))
                    self._changed()
                    return {"ok": True, "channel": channel, "ts": msg.ts, "text": msg.text}
            return {"ok": False, "error": "message_not_found"}
        if method == "chat.postEphemeral":
            channel = _channel(str(params["channel"]))
            msg = self._post(channel, params, ephemeral_for=str(params["user"]))
            return {"ok": True, "message_ts": msg.ts}
        if method == "views.open":
            user = self._triggers.pop(str(params.get("trigger_id", "")), None)
            if user is None:
                return {"ok": False, "error": "invalid_trigger_id"}
            view = params["view"]
            view = json.loads(view) if isinstance(view, str) else view
            view_id = f"V0{next(self._ids):08d}"
            self.modals[user] = Modal(view_id, user, view)
            self._changed()
            return {"ok": True, "view": {"id": view_id, **view}}
        if method == "files.getUploadURLExternal":
            file_id = f"F0{next(self._ids):08d}"
            while file_id in self.uploads:
                file_id = f"F0{next(self._ids):08d}"
            self.uploads[file_id] = Upload(file_id, str(params.get("filename", "file")))
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = params.get("files") or "[]"
            files = json.loads(files) if isinstance(files, str) else files
            channel = _channel(str(params.get("channel_id") or params.get("channels") or ""))
            shown = []
            for described in files:
                upload = self.uploads[described["id"]]
                upload.title = described.get("title") or upload.filename
                text = str(params.get("initial_comment") or "")
                self._post(channel, {"text": text}, file_id=upload.file_id)
                shown.append({"id": upload.file_id, "title": upload.title})
            return {"ok": True, "files": shown}
        return {"ok": True}

    def _post(
        self,
        channel: str,
        params: dict[str, Any],
        *,
        thread_ts: Any = None,
        ephemeral_for: str | None = None,
        file_id: str | None = None,
        author: str = BOT_USER_ID,
    ) -> Message:
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        msg = Message(
            next(self._ids),
            channel,
            ts,
            str(params.get("text", "")),
            _blocks(params.get("blocks")),
            thread_ts=str(thread_ts) if thread_ts else None,
            ephemeral_for=ephemeral_for,
            author=author,
            file_id=file_id,
        )
        self.messages.append(msg)
        self._changed()
        return msg

    def upload(self, file_id: str, data: bytes) -> None:
        with self.lock:
            self.uploads[file_id].data = data
            self._save()

    def response_url(self, token: str, body: dict[str, Any]) -> None:
        """A message posted to a response_url: ephemeral to the person who acted (unless
        in_channel); replace_original swaps the message that carried the clicked button."""
        with self.lock:
            reply = self._replies.get(token)
            if reply is None:
                return
            original = next((m for m in self.messages if m.id == reply.message_id), None)
            if body.get("delete_original") and original is not None:
                self.messages.remove(original)
                self._changed()
                return
            if body.get("replace_original") and original is not None:
                original.text = str(body.get("text", ""))
                original.blocks = _blocks(body.get("blocks"))
                self._changed()
                return
            ephemeral = None if body.get("response_type") == "in_channel" else reply.user
            self._post(reply.channel, body, ephemeral_for=ephemeral)

    # --- what the page shows --------------------------------------------------------------

    def state(self, user: str, channel: str) -> dict[str, Any]:
        with self.lock:
            shown = [
                m for m in self.messages if m.channel == channel and m.ephemeral_for in (None, user)
            ]
            top = [m for m in shown if not m.thread_ts or m.thread_ts == m.ts]
            html = []
            for msg in top:
                replies = [m for m in shown if m.thread_ts == msg.ts and m is not msg]
                html.append(self._message_html(msg, replies))
            modal = self.modals.get(user)
            # Other channels the bot posts to (a digest channel, say) appear beside the actions one.
            others = sorted(
                {m.channel for m in self.messages if m.channel[0] != "D"} - {ACTIONS_CHANNEL}
            )
            return {
                "version": self.version,
                "channels": others,
                "messages": "".join(html),
                "modal": None
                if modal is None
                else {"id": modal.view_id, "html": blockkit.modal(modal.view)},
            }

    def _message_html(self, msg: Message, replies: list[Message]) -> str:
        author = BY_ID[msg.author].name if msg.author in BY_ID else "actionbot"
        app = '<span class="app-badge">APP</span>' if msg.author == BOT_USER_ID else ""
        ephemeral = (
            '<div class="ephemeral-note">Only visible to you</div>' if msg.ephemeral_for else ""
        )
        file_html = ""
        if msg.file_id:
            upload = self.uploads[msg.file_id]
            file_html = (
                f'<a class="file" href="/sandbox/files/{upload.file_id}" '
                f'download="{blockkit.escape(upload.filename)}">'
                f"&#128196; {blockkit.escape(upload.title or upload.filename)}"
                f' <span class="filename">{blockkit.escape(upload.filename)}</span></a>'
            )
        body = (
            blockkit.message({"text": msg.text, "blocks": msg.blocks})
            if (msg.text or msg.blocks)
            else ""
        )
        thread = "".join(self._message_html(r, []) for r in replies)
        thread_html = f'<div class="thread">{thread}</div>' if thread else ""
        classes = "message" + (" ephemeral" if msg.ephemeral_for else "")
        return (
            f'<div class="{classes}" data-message-id="{msg.id}">{ephemeral}'
            f'<div class="author">{blockkit.escape(author)} {app}</div>'
            f'<div class="content">{body}{file_html}</div>{thread_html}</div>'
        )

    # --- what the page asks for: Slack's requests to the app ------------------------------

    def page_request(self, what: str, body: dict[str, Any]) -> dict[str, Any]:
        user = str(body["user"])
        if user not in BY_ID:
            raise ValueError("unknown person")
        if what == "click":
            return self.click(user, int(body["message_id"]), body)
        if what == "command":
            return self.command(user, str(body["channel"]), str(body["text"]))
        if what == "submit":
            return self.submit(user, str(body["view_id"]), dict(body.get("values") or {}))
        if what == "close":
            with self.lock:
                self.modals.pop(user, None)
                self._changed()
            return {"ok": True}
        if what == "add-action":
            return {"ok": True, "result": self.ingest()}
        raise ValueError(f"unknown request {what}")

    def _reply_token(self, user: str, channel: str, message_id: int | None) -> str:
        token = f"{next(self._tokens)}-{time.time_ns():x}"
        self._replies[token] = _Reply(user, channel, message_id)
        return f"{self.url}/response/{token}"

    def _trigger(self, user: str) -> str:
        trigger = f"{next(self._tokens)}.{int(time.time())}.{secrets.token_hex(8)}"
        self._triggers[trigger] = user
        return trigger

    def click(self, user: str, message_id: int, body: dict[str, Any]) -> dict[str, Any]:
        person = BY_ID[user]
        with self.lock:
            msg = next(m for m in self.messages if m.id == message_id)
            response_url = self._reply_token(user, msg.channel, msg.id)
            trigger = self._trigger(user)
            shown = _shown(msg)
        action = {
            "action_id": str(body["action_id"]),
            "block_id": str(body.get("block_id") or ""),
            "text": {"type": "plain_text", "text": str(body.get("text") or ""), "emoji": True},
            "value": str(body.get("value") or ""),
            "type": "button",
            "action_ts": f"{time.time():.6f}",
        }
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {
                "id": user,
                "username": person.email.split("@")[0],
                "name": person.email.split("@")[0],
                "team_id": person.team_id,
            },
            "api_app_id": API_APP_ID,
            "token": "sandbox-verification-token",
            "container": {
                "type": "message",
                "message_ts": msg.ts,
                "channel_id": msg.channel,
                "is_ephemeral": msg.ephemeral_for is not None,
            },
            "trigger_id": trigger,
            "team": {"id": TEAM_ID, "domain": "contoso-sandbox"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": msg.channel, "name": _channel_name(msg.channel)},
            "message": shown,
            "state": {"values": {}},
            "response_url": response_url,
            "actions": [action],
        }
        return self._send_to_bot(urlencode({"payload": json.dumps(payload)}).encode())

    def command(self, user: str, channel: str, text: str) -> dict[str, Any]:
        person = BY_ID[user]
        text = text.strip()
        if not text.startswith("/"):
            with self.lock:
                self._post(channel, {"text": text}, author=user)
            return {"ok": True}
        name, _, rest = text.partition(" ")
        if name != "/actions":
            with self.lock:
                self._post(
                    channel,
                    {
                        "text": f"{name} is not a valid command. "
                        "In the sandbox, try `/actions help`."
                    },
                    ephemeral_for=user,
                )
            return {"ok": True}
        with self.lock:
            response_url = self._reply_token(user, channel, None)
            trigger = self._trigger(user)
        fields = {
            "token": "sandbox-verification-token",
            "team_id": person.team_id,
            "team_domain": "contoso-sandbox",
            "channel_id": channel,
            "channel_name": _channel_name(channel),
            "user_id": user,
            "user_name": person.email.split("@")[0],
            "command": name,
            "text": rest.strip(),
            "api_app_id": API_APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger,
        }
        answer = self._send_to_bot(urlencode(fields).encode())
        reply = answer.get("body")
        if isinstance(reply, dict) and (reply.get("text") or reply.get("blocks")):
            # An immediate answer in the ack's body, shown as Slack does: to the caller alone.
            self.response_url(response_url.rsplit("/", 1)[1], reply)
        return answer

    def submit(self, user: str, view_id: str, values: dict[str, str]) -> dict[str, Any]:
        person = BY_ID[user]
        with self.lock:
            modal = self.modals.get(user)
            if modal is None or modal.view_id != view_id:
                return {"ok": False, "error": "this dialog is closed"}
            view = modal.view
        state: dict[str, dict[str, Any]] = {}
        for key, value in values.items():
            block_id, _, action_id = key.partition("/")
            state.setdefault(block_id, {})[action_id] = {"type": "plain_text_input", "value": value}
        payload: dict[str, Any] = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "contoso-sandbox"},
            "user": {
                "id": user,
                "username": person.email.split("@")[0],
                "name": person.email.split("@")[0],
                "team_id": person.team_id,
            },
            "api_app_id": API_APP_ID,
            "token": "sandbox-verification-token",
            "trigger_id": self._trigger(user),
            "view": {
                "id": view_id,
                "team_id": TEAM_ID,
                "type": "modal",
                "blocks": view.get("blocks", []),
                "private_metadata": view.get("private_metadata", ""),
                "callback_id": view.get("callback_id", ""),
                "state": {"values": state},
                "hash": f"{int(time.time())}.sandbox",
                "title": view.get("title"),
                "close": view.get("close"),
                "submit": view.get("submit"),
                "clear_on_close": False,
                "notify_on_close": False,
                "root_view_id": view_id,
                "app_id": API_APP_ID,
                "external_id": "",
                "app_installed_team_id": TEAM_ID,
                "bot_id": "B0ACTIONBOT",
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        answer = self._send_to_bot(urlencode({"payload": json.dumps(payload)}).encode())
        reply = answer.get("body")
        if isinstance(reply, dict) and reply.get("response_action") == "errors":
            return {"ok": True, "errors": reply.get("errors", {})}
        with self.lock:
            if self.modals.get(user) is modal:
                del self.modals[user]
            self._changed()
        return {"ok": True}

    def _send_to_bot(self, body: bytes) -> dict[str, Any]:
        timestamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310 (the bot's own loopback URL)
            self.bot_events_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": sign(self.signing_secret, timestamp, body),
                "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            parsed: Any = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return {"ok": status == 200, "status": status, "body": parsed}


def _params(query: dict[str, str], raw: bytes, content_type: str) -> dict[str, Any]:
    params: dict[str, Any] = dict(query)
    if raw and "json" in content_type:
        params.update(json.loads(raw))
    elif raw:
        params.update(parse_qsl(raw.decode()))
    return params


def _blocks(value: Any) -> list[dict[str, Any]]:
    if not value:
        return []
    if isinstance(value, str):
        value = json.loads(value)
    return list(value)


def _channel(channel: str) -> str:
    """A user ID as a channel means the app's DM with that user (as chat.postMessage allows)."""
    return dm_of(channel) if channel.startswith(("U", "W")) else channel


def _channel_name(channel: str) -> str:
    return ACTIONS_CHANNEL_NAME if channel == ACTIONS_CHANNEL else "directmessage"


def _shown(msg: Message) -> dict[str, Any]:
    return {
        "type": "message",
        "user": msg.author,
        "ts": msg.ts,
        "text": msg.text,
        "blocks": msg.blocks,
        "team": TEAM_ID,
    }


def _person(person: Any) -> dict[str, Any]:
    return {
        "id": person.user_id,
        "team_id": person.team_id,
        "name": person.email.split("@")[0],
        "real_name": person.name,
        "label": person.label,
        "is_stranger": person.external,
    }


def _profile(person: Any) -> dict[str, Any]:
    return {
        "real_name": person.name,
        "display_name": person.name,
        "email": person.email,
        "team": person.team_id,
    }
