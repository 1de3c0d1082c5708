"""The baseline of bench.scale's history reply: a bare Bolt app that acks `/actions` and answers
its response_url with one fixed message, served the way `actionbot run` serves the bot (waitress
+ Flask + Bolt's Flask SlackRequestHandler on /slack/events). No database.

    python -m bench.bare_command_app PORT SIGNING_SECRET SLACK_API_URL
"""

from __future__ import annotations

import sys

from slack_bolt import Ack, Respond

from bench.bare_app import bare_bolt_app, serve


def main(port: int, secret: str, api_url: str) -> None:
    app = bare_bolt_app(secret, api_url)

    @app.command("/actions")
    def reply(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="no actions", response_type="ephemeral")

    serve(app, port)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
