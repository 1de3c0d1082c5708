"""The baseline of bench.clicks: a bare Bolt app that only acks the approve button, served the
way `actionbot run` serves the bot (waitress + Flask + Bolt's Flask SlackRequestHandler on
/slack/events).

    python -m bench.bare_app PORT SIGNING_SECRET SLACK_API_URL
"""

from __future__ import annotations

import sys

from flask import Flask, Response, request
from slack_bolt import Ack, App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient

from bot.ids import ActionId
from bot.web.server import HttpServer


def bare_bolt_app(secret: str, api_url: str) -> App:
    """A Bolt app configured as the bot's, with no listeners yet."""
    return App(
        client=WebClient(token="xoxb-bench", base_url=api_url),
        signing_secret=secret,
        token_verification_enabled=False,
    )


def serve(app: App, port: int) -> None:
    """Serve `app` on /slack/events the way `actionbot run` does (waitress, Flask, Bolt's
    Flask adapter), until the process ends."""
    handler = SlackRequestHandler(app)
    web = Flask("bare")

    @web.post("/slack/events")
    def events() -> Response:
        return handler.handle(request)

    HttpServer(web, "127.0.0.1", port).serve_forever()


def main(port: int, secret: str, api_url: str) -> None:
    app = bare_bolt_app(secret, api_url)

    @app.action(ActionId.APPROVE)
    def ack_only(ack: Ack) -> None:
        ack()

    serve(app, port)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
