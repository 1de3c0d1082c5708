"""Baseline for export: `actionbot history --window 6months --format csv` into a file, in a
process of its own. Prints {"rows", "seconds", "max_rss_kb"} (rows without the header)."""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import time

from bench._support import peak_rss_kb
from bot.cli import main as actionbot


def main() -> None:
    argv = ["history", "--window", "6months", "--format", "csv", *sys.argv[1:]]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        started = time.monotonic()
        with contextlib.redirect_stdout(out):
            code = actionbot(argv)
        seconds = time.monotonic() - started
        out.seek(0)
        rows = sum(1 for _ in out) - 1
    if code != 0:
        raise SystemExit(code)
    rss = peak_rss_kb()
    print(json.dumps({"rows": rows, "seconds": seconds, "max_rss_kb": rss}))


if __name__ == "__main__":
    main()
