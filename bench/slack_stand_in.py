"""The Slack Web API stand-in of the tests (tests.support.slack_api) in a process of its own, for
benchmarks: the threads that answer the bot's Slack calls then do not take the GIL from the
clients that time the bot's answers.

    python -m bench.slack_stand_in [USER_ID ...]

users.info knows each USER_ID (with the ID as the profile's email), and takes 5 s to answer
for those in BENCH_SLOW_USERS_INFO. Prints {"api_url": ...}; then
each line `wait METHOD COUNT TIMEOUT` on stdin is answered with one line: the calls to METHOD as
JSON, [{"params": {...}, "at": ...}], once COUNT of them have arrived. `at` is time.monotonic(),
a clock shared by every process on Linux.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.slack_api import SlackApiStandIn

ROOT = Path(__file__).resolve().parents[1]
SLOW_SECONDS = 5.0
"""How long users.info takes for the users named in BENCH_SLOW_USERS_INFO (comma list)."""


@dataclass(frozen=True)
class RecordedCall:
    params: dict[str, Any]
    at: float


class StandInProcess:
    """The stand-in's process, seen from the benchmark."""

    def __init__(self, people: list[str], env: dict[str, str]) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.slack_stand_in", *people],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.api_url = str(self._answer()["api_url"])

    def wait_for(self, method: str, count: int, timeout: float) -> list[RecordedCall]:
        assert self._process.stdin is not None
        self._process.stdin.write(f"wait {method} {count} {timeout}\n")
        self._process.stdin.flush()
        return [RecordedCall(c["params"], c["at"]) for c in self._answer()]

    def stop(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=10)

    def _answer(self) -> Any:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise SystemExit("the Slack stand-in stopped (its error is above)")
        return json.loads(line)


def main(people: list[str]) -> None:
    slack = SlackApiStandIn().start()
    for user in people:
        slack.people[user] = user
    slow = os.environ.get("BENCH_SLOW_USERS_INFO", "")
    for user in filter(None, slow.split(",")):
        slack.slow_people[user] = SLOW_SECONDS
    print(json.dumps({"api_url": slack.api_url}), flush=True)
    for line in sys.stdin:
        _, method, count, timeout = line.split()
        calls = slack.wait_for(method, int(count), timeout=float(timeout))
        print(json.dumps([{"params": c.params, "at": c.at} for c in calls]), flush=True)
    slack.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
