"""The web application: Flask, with JSON answers for every error, and the request counting that
lets background work give way to requests.

`web_app(blueprints, slack=...)` builds the Flask app every endpoint lives in: health, the ingest
API, /metrics and, in HTTP mode, Slack's /slack/events (served by Bolt's Flask adapter, behind the
signature gate of bot/web/slack_verification.py). Unknown paths are 404 and wrong methods 405
(with `Allow`), each as `{"error": ...}`; an unexpected exception is logged with its traceback and
answered 500 without details.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Flask, Response, request
from pydantic import BaseModel
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from bot.inflight import RequestsInFlight

__all__ = ["RequestsInFlight", "Router", "json_response", "model_response", "web_app"]

DEFAULT_BODY_LIMIT = 1024 * 1024
log = logging.getLogger(__name__)

_IMPLICIT_METHODS = frozenset({"HEAD", "OPTIONS"})


def json_response(status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
    body = json.dumps(payload, ensure_ascii=False)
    return Response(body, status, headers=list(headers), mimetype="application/json")


def error_response(status: int, message: str, **extra: Any) -> Response:
    return json_response(status, {"error": message, **extra})


def model_response(
    status: int, answer: BaseModel, headers: Iterable[tuple[str, str]] = ()
) -> Response:
    """A JSON answer from one of bot/web/answers.py's models (fields left unset are left out)."""
    return json_response(status, answer.model_dump(mode="json", exclude_none=True), headers)


def web_app(blueprints: Iterable[Blueprint] = (), *, slack: Blueprint | None = None) -> Flask:
    """The Flask app serving `blueprints` (and Slack's endpoint when given)."""
    app = Flask("actionbot")
    app.config["MAX_CONTENT_LENGTH"] = DEFAULT_BODY_LIMIT
    app.url_map.merge_slashes = False  # a path is served as written, never redirected
    for blueprint in [*blueprints, *([slack] if slack is not None else [])]:
        app.register_blueprint(blueprint)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        if isinstance(error, MethodNotAllowed):
            allowed = sorted(set(error.valid_methods or ()) - _IMPLICIT_METHODS)
            methods = ", ".join(allowed)
            message = f"method {request.method} is not allowed here; use {methods}"
            return json_response(405, {"error": message}, [("Allow", methods)])
        if error.code == 404:
            return error_response(404, f"no such endpoint: {request.path}")
        if error.code == 413:
            message = f"the body is larger than {DEFAULT_BODY_LIMIT} bytes (1 MiB)"
            return error_response(413, message)
        return error_response(error.code or 500, error.description or "error")

    @app.errorhandler(Exception)
    def unexpected(_error: Exception) -> Response:
        # The one place an unexpected error ends: logged in full, never shown.
        log.exception("%s %r failed", request.method, request.path[:200])
        return error_response(500, "internal error; the bot's log has the details")

    return app


Router = web_app
"""The name tests/web gives the app factory: `Router([*health.routes(db), ...])`."""
