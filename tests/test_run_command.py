"""`actionbot run` without its Slack credentials: one line naming the variable, exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_bot(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """`actionbot run` in a clean environment (no SLACK_/ACTIONBOT_ variables, no .env) plus
    `variables`, with its own SQLite file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIONBOT_"))}
    env.update(variables, PYTHONPATH=str(ROOT), ACTIONBOT_DATABASE_URL=f"sqlite:///{tmp_path}/a.db")
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--port", "0"],
        cwd=tmp_path,  # no .env here
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({"SLACK_SIGNING_SECRET": "s3cret"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_run_without_a_credential_names_it_and_exits_2(
    tmp_path: Path, present: dict[str, str], missing: str
) -> None:
    done = run_bot(tmp_path, **present)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert missing in lines[0]
    assert "Traceback" not in done.stderr
    for secret in present.values():
        assert secret not in done.stderr


def test_run_when_slack_cannot_be_reached_says_so_in_one_line(tmp_path: Path) -> None:
    done = run_bot(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-unreachable",
        SLACK_SIGNING_SECRET="s3cret",
        SLACK_API_URL="http://127.0.0.1:9/api/",  # nothing listens on the discard port
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "cannot reach Slack" in lines[0]
    assert "xoxb-unreachable" not in done.stderr
