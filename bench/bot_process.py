"""The bot as `actionbot run` starts it (HTTP mode), in a process of its own, for benchmarks.

Settings come from the environment. Prints {"url": ...} once it serves; on a line on stdin (or
its end) it stops and prints {"max_rss_kb": ...}: the peak resident memory of this process.
"""

from __future__ import annotations

import json
import sys

from bench._support import peak_rss_kb
from bot.run import start_bot
from bot.settings import Settings


def main() -> None:
    bot = start_bot(Settings(), mode="http", host="127.0.0.1", port=0, scheduler=False)
    bot.server.start()
    print(json.dumps({"url": bot.server.url}), flush=True)
    sys.stdin.readline()
    bot.close()
    print(json.dumps({"max_rss_kb": peak_rss_kb()}), flush=True)


if __name__ == "__main__":
    main()
