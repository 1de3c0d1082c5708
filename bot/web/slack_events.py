"""Bolt's WSGI handler for /slack/events, answering 400 when Bolt cannot read a verified body.

Bolt decodes the body (a form, a form with a JSON `payload`, or JSON) while it builds its
request, before any middleware or error handler runs, and raises when the payload is not JSON or
not a JSON object (`payload=notjson`, `payload=[]`). Requests only get here once the gate in
front has verified them (bot/web/slack_verification.py); catching that one step here lets Bolt
decode each body once, rather than the gate decoding it again by Bolt's rules beforehand.
"""

from __future__ import annotations

import logging

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest

log = logging.getLogger(__name__)


class SlackEventsHandler(SlackRequestHandler):
    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        try:
            bolt_request = BoltRequest(
                body=request.get_body(), query=request.query_string, headers=request.get_headers()
            )
        except (ValueError, AttributeError):  # not JSON, or JSON that is not an object
            log.warning("refused a signed Slack request whose body is not what Slack sends")
            return BoltResponse(status=400, body='{"error": "the body is not a Slack payload"}')
        return self.app.dispatch(bolt_request)
