"""`python -m bot` and the `actionbot` console script."""

from __future__ import annotations

import sys

import bot.run  # adds the run command
import bot.sandbox_entry  # noqa: F401  (adds the sandbox command)
from bot.cli import main as cli_main


def main() -> None:
    sys.exit(cli_main())


if __name__ == "__main__":
    main()
