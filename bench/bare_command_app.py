"""The baseline of bench.scale's history reply: a bare Bolt app that acks `/actions` and answers
its response_url with one fixed message, served the way `actionbot run` serves the bot (waitress
+ Flask + Bolt's Flask SlackRequestHandler on /slack/events). No database.

    python -m bench.bare_command_app PORT SIGNING_SECRET SLACK_API_URL
"""

from __future__ import annotations

import sys

from flask import Flask, Response, request
from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient

from bot.web.server import HttpServer


def main(port: int, secret: str, api_url: str) -> None:
    app = App(
        client=WebClient(token="xoxb-bench", base_url=api_url),
        signing_secret=secret,
        token_verification_enabled=False,
    )

    @app.command("/actions")
    def reply(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="no actions", response_type="ephemeral")

    handler = SlackRequestHandler(app)
    web = Flask("bare")

    @web.post("/slack/events")
    def events() -> Response:
        return handler.handle(request)

    HttpServer(web, "127.0.0.1", port).serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
