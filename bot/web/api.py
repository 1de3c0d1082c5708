"""The ingest API (CONTRACT.md section 5), for SOARs, Sentinel playbooks and scripts.

POST /api/v1/actions stores actions through the same parser and service as `actionbot ingest`;
POST /api/v1/actions/{id}/status records how an approved action is being carried out;
GET /api/v1/openapi.json describes both. Handlers check the bearer token, decode the body, call one
service and answer JSON. Each request leaves one log line with its status and counts; the token
never appears in it.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request
from pydantic import SecretStr
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import RequestEntityTooLarge

from bot import metrics
from bot.domain.incoming import InvalidInput, load_json, parse_json_document
from bot.domain.reports import parse_status_report
from bot.services.ingest import ingest
from bot.services.report import NotFound, NotReportable, Reported, report_status
from bot.web.answers import Conflict, Error, FieldProblem, Ingested, Problem, StatusAccepted
from bot.web.http import DEFAULT_BODY_LIMIT, json_response, model_response
from bot.web.openapi import openapi_document
from storage.db import Database, DatabaseUnavailable

log = logging.getLogger(__name__)

API_ACTOR = "api"
"""Who the audit trail says acted: the token names a system, not a person."""


@dataclass(frozen=True)
class Answer:
    response: Response
    note: str = ""
    """What the log line adds after the status: counts, or why the request was refused."""


class Refusal(Exception):
    """Stop handling a request and send this answer."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        note: str = "",
        errors: list[FieldProblem] | None = None,
    ) -> None:
        super().__init__(message)
        body = Error(error=message) if errors is None else Problem(error=message, errors=errors)
        self.answer = Answer(model_response(status, body), note or message)


class IngestApi:
    def __init__(
        self, db: Database, token: SecretStr | None, on_new: Callable[[], None] = lambda: None
    ) -> None:
        self._db = db
        self._token = token.get_secret_value().encode() if token else None
        self._on_new = on_new
        """Called when cards are owed (actions stored or changed): wakes the card poster."""

    def routes(self) -> list[Blueprint]:
        api = Blueprint("api", __name__)
        api.add_url_rule(
            "/api/v1/actions", "ingest", self._serve(self.ingest_actions), methods=["POST"]
        )
        api.add_url_rule(
            "/api/v1/actions/<path:ref>/status",
            "report",
            self._serve(self.report),
            methods=["POST"],
        )
        api.add_url_rule("/api/v1/openapi.json", "openapi", self._serve(openapi, token=False))
        return [api]

    # --- handlers ------------------------------------------------------------------------------

    def ingest_actions(self) -> Answer:
        value = json_body()
        if not isinstance(value, dict | list):
            raise Refusal(
                400,
                'the body must be an action object, an array of them, or {"actions": [...]}',
                errors=[],
            )
        try:
            result = ingest(self._db, parse_json_document(value), actor=API_ACTOR)
        except InvalidInput as exc:
            return invalid(exc, indexed=True)
        if result.new or result.updated:
            self._on_new()
        metrics.ingested("api", new=result.new, updated=result.updated, unchanged=result.unchanged)
        payload = Ingested(
            new=result.new,
            updated=result.updated,
            unchanged=result.unchanged,
            ids=result.short_ids,
        )
        note = f"new={result.new} updated={result.updated} unchanged={result.unchanged}"
        return Answer(model_response(200, payload), note)

    def report(self) -> Answer:
        ref = path_ref(request.environ.get("PATH_INFO", ""))
        try:
            report = parse_status_report(json_body())
        except InvalidInput as exc:
            return invalid(exc, indexed=False)
        if ref is None:
            raise Refusal(404, "no action has this id", note="unusable id")
        outcome = report_status(self._db, ref, report.status, detail=report.detail, actor=API_ACTOR)
        if isinstance(outcome, NotFound):
            raise Refusal(404, f"no action has the id {ref!r}", note="unknown id")
        action = outcome.action
        if isinstance(outcome, NotReportable):
            return Answer(
                model_response(409, Conflict(error=outcome.reason, status=action.status.value)),
                f"{action.short_id} is {action.status.value}",
            )
        assert isinstance(outcome, Reported)
        if outcome.changed:
            self._on_new()  # the card is owed an update
        payload = StatusAccepted(
            id=action.upstream_id,
            short_id=action.short_id,
            status=action.status.value,
            changed=outcome.changed,
        )
        change = "now" if outcome.changed else "already"
        return Answer(model_response(200, payload), f"{action.short_id} {change} {report.status}")

    # --- what every request goes through -------------------------------------------------------

    def _serve(
        self, handler: Callable[[], Answer], *, token: bool = True
    ) -> Callable[..., Response]:
        """The view: token, handler, the answer for what any handler may meet, one log line."""

        def serve(**_params: str) -> Response:
            started = time.perf_counter()
            try:
                if token:
                    self._authenticate()
                answer = handler()
            except Refusal as refusal:
                answer = refusal.answer
            except RequestEntityTooLarge:
                message = f"the body is larger than {DEFAULT_BODY_LIMIT} bytes (1 MiB)"
                answer = Answer(model_response(413, Error(error=message)), "body too large")
            except (OperationalError, DatabaseUnavailable) as exc:
                log.warning("database not answering: %s", _first_line(exc))
                message = "the database is not answering; nothing was changed: try again later"
                response = model_response(503, Error(error=message), [("Retry-After", "5")])
                answer = Answer(response, "database down")
            elapsed = (time.perf_counter() - started) * 1000
            log.info(
                "%s %s %d %s (%.0f ms)",
                request.method,
                _loggable(request.environ.get("PATH_INFO", "")),
                answer.response.status_code,
                answer.note,
                elapsed,
            )
            return answer.response

        return serve

    def _authenticate(self) -> None:
        """Refuse unless the bearer token is ACTIONBOT_INGEST_TOKEN (compared in constant time)."""
        if self._token is None:
            raise _unauthorized(
                "the ingest API is disabled until ACTIONBOT_INGEST_TOKEN is set on the bot",
                "token not configured",
            )
        scheme, _, given = request.headers.get("authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise _unauthorized(
                "missing bearer token: send the header "
                "'Authorization: Bearer <ACTIONBOT_INGEST_TOKEN>'",
                "no token",
            )
        if not hmac.compare_digest(given.strip().encode("latin-1", "replace"), self._token):
            raise _unauthorized("wrong bearer token", "wrong token")


def _unauthorized(message: str, note: str) -> Refusal:
    refusal = Refusal(401, message, note=note)
    refusal.answer.response.headers["WWW-Authenticate"] = 'Bearer realm="actionbot"'
    return refusal


def openapi() -> Answer:
    return Answer(json_response(200, openapi_document()))


def json_body() -> Any:
    """The decoded JSON body: Refusal 415 unless Content-Type says JSON, 400 (saying where)
    when a body sent as JSON is not JSON."""
    content_type = request.headers.get("content-type", "")
    if not is_json_media_type(content_type):
        got = f"got {content_type[:100]!r}" if content_type else "none was given"
        raise Refusal(415, f"send the body as JSON with 'Content-Type: application/json' ({got})")
    try:
        return load_json(request.get_data(cache=True))
    except InvalidInput as exc:
        summary = exc.summary
        message = summary if summary.startswith("not valid JSON") else f"not JSON: {summary}"
        raise Refusal(400, f"the body is {message}", errors=[]) from None


def is_json_media_type(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def invalid(exc: InvalidInput, *, indexed: bool) -> Answer:
    """400 listing every invalid field (and, for a batch, the index of its record)."""
    errors = [
        FieldProblem(index=e.position if indexed else None, field=e.field, message=e.message)
        for e in exc.errors
    ]
    note = f"invalid: {len({e.position for e in exc.errors})} record(s)"
    return Answer(model_response(400, Problem(error=exc.summary, errors=errors)), note)


def path_ref(path_info: str) -> str | None:
    """The id in /api/v1/actions/{id}/status as the sender wrote it (PATH_INFO arrives latin-1
    decoded), or None when it cannot name any action. Read from the raw PATH_INFO rather than
    from Werkzeug's decoded path, which replaces bytes that are not UTF-8."""
    raw = path_info.removeprefix("/api/v1/actions/").removesuffix("/status")
    try:
        ref = raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    if not 0 < len(ref) <= 200 or "\x00" in ref:
        return None
    return ref


def _loggable(path: str) -> str:
    shown = path.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= 200 else shown[:200] + "..."


def _first_line(exc: Exception) -> str:
    origin = getattr(exc, "orig", None) or exc
    lines = str(origin).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def routes(
    db: Database, token: SecretStr | None, on_new: Callable[[], None] = lambda: None
) -> list[Blueprint]:
    return IngestApi(db, token, on_new).routes()
