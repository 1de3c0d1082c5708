"""`actionbot history|pending` build their selection with the slash command's code."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.clock import utcnow
from storage.db import Database
from tests.listeners.slash import finished, store


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ACTIONBOT_DATABASE_URL", database_url)
    return database_url


def test_history_takes_display_names_and_comma_lists_like_the_slash_command(
    cli_env: str, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    now = utcnow() - timedelta(hours=1)
    store(
        db,
        [
            finished("a", now),
            finished("b", now, source="explorer-action"),
            finished("c", now, source="manual-device-action"),
        ],
    )
    argv = ["history", "--source", "Automated device action,explorer-action", "--format", "json"]
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sorted(r["id"] for r in rows) == ["a", "b"]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["history", "--source", "explorer"], "did you mean explorer-action"),
        (["history", "--window", "fortnight"], "unknown window 'fortnight'"),
        (["history", "--status", "pending"], "no longer pending"),
        (["pending", "--status", "completed"], "status: applies to history and export"),
    ],
)
def test_bad_filters_are_usage_errors(
    cli_env: str, argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert says in err
    assert len(err.strip().splitlines()) == 1
