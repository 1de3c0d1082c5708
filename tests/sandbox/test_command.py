"""`actionbot sandbox` as a user runs it: it prints the URL to open, serves the page and the bot's
cards there, keeps a --data folder across restarts, and says in one line when the port is taken."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


@contextmanager
def sandbox_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIONBOT_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"open (http://\S+)", line)
        assert match, (line, process.stderr.read() if process.stderr else "")
        yield process, match.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body.startswith(b"{") else body.decode()


def post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def cards(url: str, minimum: int = 1, timeout: float = 20) -> list[str]:
    """The card headlines the channel shows the Global Administrator, once there are `minimum`."""
    deadline = time.monotonic() + timeout
    while True:
        state = get(f"{url}sandbox/state?user=U0GLOBAL001&channel=C0ACTIONS01")
        found = re.findall(r"<b>([^<]+)</b> is waiting for approval", state["messages"])
        if len(found) >= minimum or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_the_sandbox_prints_its_url_and_serves_the_page_with_cards(tmp_path: Path) -> None:
    with sandbox_process() as (_process, url):
        assert "<title>actionbot sandbox</title>" in get(url)
        shown = cards(url, minimum=15)
        assert "Isolate device" in shown
        assert len(shown) == 15  # one pending action of each type


def test_a_second_start_on_the_same_data_folder_keeps_what_was_there(tmp_path: Path) -> None:
    with sandbox_process("--data", str(tmp_path)) as (_process, url):
        first = cards(url, minimum=15)
        post(url + "sandbox/add-action", {"user": "U0GLOBAL001"})
        first = cards(url, minimum=16)
    with sandbox_process("--data", str(tmp_path)) as (_process, url):
        again = cards(url, minimum=16, timeout=5)
    assert again == first  # neither seeded twice nor lost


def test_a_port_in_use_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr.startswith("actionbot: cannot listen on 127.0.0.1:")
    assert len(result.stderr.strip().splitlines()) == 1
