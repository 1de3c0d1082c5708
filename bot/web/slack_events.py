"""POST /slack/events, served by Bolt's Flask adapter, answering 400 where Bolt cannot read a
verified body.

Bolt decodes the body (a form, a form with a JSON `payload`, or JSON) while it builds its
request, before any middleware or error handler runs, and raises when the payload is not JSON or
not a JSON object (`payload=notjson`, `payload=[]`). Requests only get here once the WSGI gate in
front of the whole Flask app has verified them (bot/web/slack_verification.py); catching that one
step here lets Bolt decode each body once, rather than the gate decoding it again by Bolt's rules.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Request, Response, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_bolt.adapter.flask.handler import to_bolt_request, to_flask_response

from bot import metrics
from bot.web.http import error_response
from bot.web.slack_verification import SLACK_PATH

log = logging.getLogger(__name__)

_ACK_KINDS = {"block_actions": "click", "command": "command", "view_submission": "submission"}


class SlackEventsHandler(SlackRequestHandler):
    def handle(self, req: Request) -> Response:
        try:
            bolt_request = to_bolt_request(req)
        except (ValueError, AttributeError):  # not JSON, or JSON that is not an object
            log.warning("refused a signed Slack request whose body is not what Slack sends")
            return error_response(400, "the body is not a Slack payload")
        started = time.perf_counter()
        response = self.app.dispatch(bolt_request)
        kind = _ack_kind(bolt_request.body)
        if kind is not None:
            metrics.ACK_SECONDS.labels(kind=kind).observe(time.perf_counter() - started)
        return to_flask_response(response)


def _ack_kind(body: dict[str, object]) -> str | None:
    """click, command or submission: the ack latency histogram's kind (None for other events)."""
    if "command" in body and "type" not in body:
        return "command"
    return _ACK_KINDS.get(str(body.get("type", "")))


def slack_events(bolt: App) -> Blueprint:
    """The blueprint of Slack's endpoint; serve it only behind SlackRequestVerification."""
    handler = SlackEventsHandler(bolt)
    slack = Blueprint("slack", __name__)

    @slack.post(SLACK_PATH)
    def events() -> Response:
        return handler.handle(request)

    return slack
