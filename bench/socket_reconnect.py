"""Benchmark: how soon each Socket Mode client acks an envelope that Slack sends the moment a new
connection opens, after Slack asked for a refresh (`disconnect`, reason refresh_requested).

The same bare Bolt app (it only acks the approve button) on three clients, against the tests'
Socket Mode stand-in: slack_sdk's built-in client, its websocket-client one as shipped, and the
bot's PromptSocketModeClient (bot/socket_mode.py). Slack's window for an ack is 3 seconds.

    python -m bench.socket_reconnect [--rounds 5]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.socket_mode.builtin import SocketModeHandler as BuiltinHandler
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler as StockHandler
from slack_sdk import WebClient

from bot.ids import ActionId
from bot.inflight import RequestsInFlight
from bot.socket_mode import CountedSocketModeHandler
from tests.listeners.clicks import button_click
from tests.support.slack_api import SlackApiStandIn
from tests.support.socket_mode import SocketModeStandIn

APP_TOKEN = "xapp-1-A0BENCH-1-bench"
WINDOW = 3.0


def bare_app(api_url: str) -> App:
    app = App(
        client=WebClient(token="xoxb-bench", base_url=api_url),
        signing_secret="unused-in-socket-mode",
        token_verification_enabled=False,
        request_verification_enabled=False,
    )

    @app.action(ActionId.APPROVE)
    def ack_only(ack: Ack) -> None:
        ack()

    return app


HANDLERS: dict[str, Callable[[App], Any]] = {
    "slack_sdk built-in": lambda app: BuiltinHandler(app, APP_TOKEN),
    "slack_sdk websocket-client": lambda app: StockHandler(app, APP_TOKEN),
    "actionbot PromptSocketModeClient": lambda app: CountedSocketModeHandler(
        app, APP_TOKEN, RequestsInFlight()
    ),
}


def measure(make_handler: Callable[[App], Any], rounds: int) -> tuple[list[float], list[float]]:
    """Seconds from each refresh request to the new connection, and from the envelope sent on it
    to its ack (30.0: none came)."""
    slack = SlackApiStandIn().start()
    socket = SocketModeStandIn().start()
    socket.serve_on(slack)
    handler = make_handler(bare_app(slack.api_url))
    handler.connect()
    delays, reconnects = [], []
    try:
        socket.wait_for_connections(1)
        for _ in range(rounds):
            click = button_click(ActionId.APPROVE, "A-1", user="U0BENCH0001")
            envelope = socket.send_on_next_connection("interactive", click)
            time.sleep(0.5)  # let the previous round's connections settle
            before = len(socket.opened_at)
            asked = time.monotonic()
            socket.ask_to_refresh()
            try:
                socket.wait_for_connections(before + 1, timeout=30)
                reconnects.append(socket.opened_at[before] - asked)
                delays.append(socket.ack_delay(envelope, timeout=30))
            except AssertionError:
                delays.append(30.0)
                break
        time.sleep(0.5)
        opened = len(socket.opened_at) - 1
        print(f"    ({opened} connections opened for {rounds} refreshes)")
    finally:
        handler.close()
        socket.stop()
        slack.stop()
    return reconnects, delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    print(f"after Slack asks for a refresh ({args.rounds} refreshes each): the new connection,")
    print("and the ack of an envelope sent the moment it opens")
    for name, make_handler in HANDLERS.items():
        reconnects, delays = measure(make_handler, args.rounds)
        within = sum(d < WINDOW for d in delays)
        print(
            f"  {name:34} reconnect median {statistics.median(reconnects):6.3f} s, worst"
            f" {max(reconnects):6.3f} s; ack median {statistics.median(delays):6.3f} s, worst"
            f" {max(delays):6.3f} s, {within}/{args.rounds} within Slack's {WINDOW:g} s"
        )


if __name__ == "__main__":
    main()
