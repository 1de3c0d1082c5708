"""`actionbot sandbox`: a thin entry; the sandbox package is imported only when it runs."""

from __future__ import annotations

import argparse

from bot.cli import SubParsers, command, extra_parser
from bot.settings import Settings


@extra_parser
def _arguments(sub: SubParsers) -> None:
    box = sub.add_parser("sandbox", help="try the bot in a browser with a local stand-in for Slack")
    box.add_argument("--port", type=int, default=3000, help="default: 3000")
    box.add_argument("--data", help="folder for the SQLite database (default: a temporary one)")


@command("sandbox")
def sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from sandbox.app import main  # lazily: production never imports the sandbox

    return main(args.port, args.data)
