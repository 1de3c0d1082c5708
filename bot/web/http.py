"""A small WSGI layer: requests, responses and a router. Enough for a JSON API beside Bolt."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
DEFAULT_BODY_LIMIT = 1024 * 1024
log = logging.getLogger(__name__)


class BodyTooLarge(Exception):
    pass


@dataclass
class Request:
    method: str
    path: str
    headers: Mapping[str, str]
    """Header names lower-cased."""
    query: Mapping[str, list[str]]
    environ: Any
    params: dict[str, str] = field(default_factory=dict)
    """Named groups of the route's pattern."""
    _body: bytes | None = None

    @classmethod
    def from_environ(cls, environ: WSGIEnvironment) -> Request:
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers[key.replace("_", "-").lower()] = environ[key]
        return cls(
            method=environ["REQUEST_METHOD"].upper(),
            path=environ.get("PATH_INFO") or "/",
            headers=headers,
            query=parse_qs(environ.get("QUERY_STRING", "")),
            environ=environ,
        )

    def body(self, limit: int = DEFAULT_BODY_LIMIT) -> bytes:
        """The request body; raises BodyTooLarge past `limit` bytes without reading it all."""
        if self._body is None:
            declared = self.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise BodyTooLarge
            stream = self.environ["wsgi.input"]
            data = stream.read(limit + 1) if not declared else stream.read(int(declared or 0))
            if len(data) > limit:
                raise BodyTooLarge
            self._body = data
        return self._body


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
        body = json.dumps(payload, ensure_ascii=False).encode()
        return cls(status, body, [("Content-Type", "application/json"), *headers])

    @classmethod
    def error(cls, status: int, message: str, **extra: Any) -> Response:
        return cls.json(status, {"error": message, **extra})


Handler = Callable[[Request], Response]


class RequestsInFlight:
    """Counts the requests a WSGI application is answering, so that background work can give way
    to them: under the GIL, a thread that has work to do slows down every request thread.

    `wrap(app)` counts; `wait_until_idle(at_most)` returns once none is being answered, or after
    `at_most` seconds, so that a steady stream of requests delays background work but never
    starves it."""

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


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    """A regular expression matched against the whole path; named groups become params."""
    handler: Handler


@dataclass(frozen=True)
class Mount:
    """A whole WSGI application (such as Bolt's request handler) serving one path."""

    path: str
    app: WSGIApplication


class Router:
    """Dispatches to routes by path and method: 404 for an unknown path, 405 for a wrong method."""

    def __init__(self, routes: Iterable[Route] = (), mounts: Iterable[Mount] = ()) -> None:
        self._routes = [(re.compile(r.pattern + r"\Z"), r) for r in routes]
        self._mounts = {m.path: m.app for m in mounts}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path in self._mounts:
            return self._mounts[path](environ, start_response)
        response = self.dispatch(Request.from_environ(environ))
        reason = _REASONS.get(response.status, "")
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {reason}", headers)
        return [response.body]

    def dispatch(self, request: Request) -> Response:
        allowed: list[str] = []
        for pattern, route in self._routes:
            match = pattern.match(request.path)
            if match is None:
                continue
            if route.method != request.method:
                allowed.append(route.method)
                continue
            request.params = match.groupdict()
            try:
                return route.handler(request)
            except BodyTooLarge:
                return Response.error(
                    413, f"request body is larger than {DEFAULT_BODY_LIMIT} bytes"
                )
            except Exception:
                # The one place an unexpected error ends: logged in full, never shown.
                log.exception("%s %r failed", request.method, request.path[:200])
                return Response.error(500, "internal error; the bot's log has the details")
        if allowed:
            methods = ", ".join(sorted(set(allowed)))
            message = f"method {request.method} is not allowed here; use {methods}"
            return Response.json(405, {"error": message}, [("Allow", methods)])
        return Response.error(404, f"no such endpoint: {request.path}")
