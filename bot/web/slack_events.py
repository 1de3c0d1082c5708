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

from flask import Blueprint, Request, Response, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_bolt.adapter.flask.handler import to_bolt_request, to_flask_response

from bot.web.http import error_response
from bot.web.slack_verification import SLACK_PATH

log = logging.getLogger(__name__)


class SlackEventsHandler(SlackRequestHandler):
    def handle(self, req: Request) -> Response:
        try:
            bolt_request = to_bolt_request(req)
        except (ValueError, AttributeError):  # not JSON, or JSON that is not an object
            log.warning("refused a signed Slack request whose body is not what Slack sends")
            return error_response(400, "the body is not a Slack payload")
        return to_flask_response(self.app.dispatch(bolt_request))


def slack_events(bolt: App) -> Blueprint:
    """The blueprint of Slack's endpoint; serve it only behind SlackRequestVerification."""
    handler = SlackEventsHandler(bolt)
    slack = Blueprint("slack", __name__)

    @slack.post(SLACK_PATH)
    def events() -> Response:
        return handler.handle(request)

    return slack
