"""The gate in front of Bolt on /slack/events: nothing Slack did not sign gets any further.

Every request to the path is read (up to MAX_SLACK_BODY bytes), its timestamp and signature are
checked with slack_sdk's SignatureVerifier, and only then is it handed on, with its body intact.
A request that cannot be verified (no or malformed headers, a timestamp that is not a whole number
of seconds or is more than five minutes off, a body that is not UTF-8, a wrong signature) gets 401
and one warning line, and nothing else happens: no listener, no error handler, no Web API or
response_url call. A verified body that Bolt cannot read is answered 400 by the handler behind
(bot/web/slack_events.py).

It is plain WSGI, so it sits in front of whatever serves Bolt.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from slack_sdk.signature import Clock, SignatureVerifier

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
MAX_SLACK_BODY = 1024 * 1024
"""Slack's largest payloads (a view submission with its whole view) stay far below this."""
MAX_CLOCK_SKEW_SECONDS = 5 * 60

_REASONS = {401: "Unauthorized", 405: "Method Not Allowed"}
_REASONS[413] = "Content Too Large"
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")


class _Clock(Clock):
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


class SlackRequestVerification:
    """WSGI middleware: verify every request to `path`; pass every other path through as is."""

    def __init__(
        self,
        app: WSGIApplication,
        signing_secret: str,
        *,
        path: str = SLACK_PATH,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._app = app
        self._path = path
        self._now = clock
        self._verifier = SignatureVerifier(signing_secret, clock=_Clock(clock))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != self._path:
            return self._app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, 405, "Slack's requests are POSTs", [("Allow", "POST")])
        body = _read_body(environ)
        if body is None:
            _refused(environ, "body too large")
            return _answer(start_response, 413, "the request body is too large")
        try:
            text = body.decode("utf-8")  # Slack sends UTF-8; the verifier signs text
        except UnicodeDecodeError:
            _refused(environ, "body is not UTF-8 text")
            return _answer(start_response, 401, "invalid request")
        problem = self._unverified(environ, text)
        if problem is not None:
            _refused(environ, problem)
            return _answer(start_response, 401, "invalid request")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self._app(environ, start_response)

    def _unverified(self, environ: WSGIEnvironment, text: str) -> str | None:
        """Why the request is not Slack's, or None when it is (signed within five minutes)."""
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        if not _TIMESTAMP.match(timestamp):
            return "missing or malformed X-Slack-Request-Timestamp"
        if not _SIGNATURE.match(signature):
            return "missing or malformed X-Slack-Signature"
        if abs(self._now() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
            return "timestamp more than five minutes away"
        if not self._verifier.is_valid(text, timestamp, signature):
            return "wrong signature"
        return None


def _read_body(environ: WSGIEnvironment) -> bytes | None:
    """The whole body, or None when it is (or says it is) over MAX_SLACK_BODY."""
    try:
        declared = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_SLACK_BODY:
        return None
    stream = environ["wsgi.input"]
    body: bytes = stream.read(declared) if declared else stream.read(MAX_SLACK_BODY + 1)
    return None if len(body) > MAX_SLACK_BODY else body


def _refused(environ: WSGIEnvironment, why: str) -> None:
    log.warning(
        "refused an unverified request to %s from %s: %s",
        SLACK_PATH,
        environ.get("REMOTE_ADDR", "?"),
        why,
    )


def _answer(
    start_response: StartResponse,
    status: int,
    message: str,
    headers: list[tuple[str, str]] | None = None,
) -> Iterable[bytes]:
    body = json.dumps({"error": message}).encode()
    start_response(
        f"{status} {_REASONS[status]}",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *(headers or []),
        ],
    )
    return [body]
