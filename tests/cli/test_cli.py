"""`actionbot` as an operator runs it: a real subprocess, exit codes 0/1/2, plain stderr lines."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.actions import action, document, json_lines

ROOT = Path(__file__).resolve().parents[2]
RECENT = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
JSON_FIELDS = {
    "id",
    "short_id",
    "type",
    "source",
    "status",
    "created_at",
    "updated_at",
    "decided_by",
    "decided_at",
    "comment",
    "target",
}


@dataclass
class Run:
    code: int
    out: str
    err: str


def actionbot(
    *args: str, url: str, cwd: Path, stdin: bytes = b"", env: dict[str, str] | None = None
) -> Run:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("ACTIONBOT_", "SLACK_"))
    }
    environment.update(PYTHONPATH=str(ROOT), ACTIONBOT_DATABASE_URL=url)
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=environment,
        timeout=60,
        check=False,
    )
    run = Run(done.returncode, done.stdout.decode(), done.stderr.decode())
    assert "Traceback" not in run.err, run.err
    return run


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def one_line(run: Run) -> str:
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    return lines[0]


# --- ingest, history and pending on both backends ----------------------------------------------


def test_ingest_then_list_in_every_format(database_url: str, tmp_path: Path) -> None:
    source = tmp_path / "actions.json"
    source.write_bytes(
        document(
            action("p-1", created_at=RECENT),
            action(
                "d-1",
                type="block-url",
                source="Explorer action",
                status="completed",
                created_at=RECENT,
                updated_at=RECENT,
                target={"url": '=HYPERLINK("http://evil")'},
            ),
        )
    )
    first = actionbot("ingest", str(source), url=database_url, cwd=tmp_path)
    assert (first.code, first.out.strip()) == (0, "2 new, 0 updated, 0 unchanged")
    again = actionbot("ingest", str(source), url=database_url, cwd=tmp_path)
    assert again.out.strip() == "0 new, 0 updated, 2 unchanged"

    pending = json.loads(
        actionbot("pending", "--format", "json", url=database_url, cwd=tmp_path).out
    )
    assert [a["id"] for a in pending] == ["p-1"]
    assert set(pending[0]) >= JSON_FIELDS
    assert pending[0]["short_id"] == "A-1"
    assert pending[0]["type"] == "isolate-device"
    assert pending[0]["source"] == "automated-device-action"
    assert pending[0]["status"] == "pending"
    assert pending[0]["target"] == {"device_name": "WS-0142"}
    assert pending[0]["decided_by"] is None
    assert pending[0]["created_at"].endswith("Z")

    history = json.loads(
        actionbot("history", "--format", "json", url=database_url, cwd=tmp_path).out
    )
    assert [(a["id"], a["short_id"], a["source"], a["status"]) for a in history] == [
        ("d-1", "A-2", "explorer-action", "completed")
    ]

    table = actionbot("history", url=database_url, cwd=tmp_path)
    assert table.code == 0
    header, row = table.out.splitlines()
    assert header.split()[:4] == ["ID", "TYPE", "SOURCE", "STATUS"]
    assert row.split()[:4] == ["A-2", "block-url", "explorer-action", "completed"]

    out = actionbot("history", "--format", "csv", url=database_url, cwd=tmp_path).out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:4] == ["id", "type", "source", "status"]
    assert rows[1][rows[0].index("target")] == '\'=HYPERLINK("http://evil")'


def test_filters_accept_keys_display_names_and_comma_lists(
    database_url: str, tmp_path: Path
) -> None:
    records = [
        action(f"a{n}", source=source, status="rejected", created_at=RECENT, updated_at=RECENT,
               target={"device_name": device})
        for n, (source, device) in enumerate(
            [("manual-device-action", "WS-1"), ("explorer-action", "WS-2"),
             ("live-response-action", "ws-1")]
        )
    ]  # fmt: skip
    actionbot("ingest", "-", url=database_url, cwd=tmp_path, stdin=json_lines(*records))

    def ids(*options: str) -> list[str]:
        run = actionbot("history", "--format", "json", *options, url=database_url, cwd=tmp_path)
        assert run.code == 0, run.err
        return sorted(a["id"] for a in json.loads(run.out))

    assert ids("--source", "Manual device action") == ["a0"]
    assert ids("--source", "manual-device-action,EXPLORER-ACTION") == ["a0", "a1"]
    assert ids("--source", "explorer-action", "--source", "live-response-action") == ["a1", "a2"]
    assert ids("--device", "WS-1") == ["a0", "a2"]
    assert ids("--status", "approved") == []
    assert ids("--type", "Isolate device", "--window", "24h") == ["a0", "a1", "a2"]


# --- ingest refusals ---------------------------------------------------------------------------


def test_invalid_records_exit_1_with_a_line_each_and_store_nothing(
    sqlite_url: str, tmp_path: Path
) -> None:
    data = json_lines(
        action("ok"), action("bad", type="block-url", target={}), action("x", created_at="today")
    )
    run = actionbot("ingest", "-", url=sqlite_url, cwd=tmp_path, stdin=data)
    assert run.code == 1
    lines = run.err.splitlines()
    assert len(lines) == 3
    assert lines[0] == "line 2: target.url: block-url needs url"
    assert lines[1].startswith("line 3: created_at: ")
    assert lines[2] == "2 invalid record(s); nothing was stored"
    listed = actionbot("pending", "--format", "json", url=sqlite_url, cwd=tmp_path)
    assert json.loads(listed.out) == []


@pytest.mark.parametrize(
    ("data", "words"),
    [(b"", "empty"), (b"\xff\xfe", "UTF-8"), (b"{nope", "not valid JSON")],
)
def test_unreadable_input_exits_1_on_one_line(
    sqlite_url: str, tmp_path: Path, data: bytes, words: str
) -> None:
    run = actionbot("ingest", url=sqlite_url, cwd=tmp_path, stdin=data)
    assert run.code == 1
    assert words in one_line(run)


def test_a_pending_type_change_is_refused_naming_the_index(sqlite_url: str, tmp_path: Path) -> None:
    actionbot("ingest", url=sqlite_url, cwd=tmp_path, stdin=document(action("a")))
    run = actionbot(
        "ingest",
        url=sqlite_url,
        cwd=tmp_path,
        stdin=document(action("b"), action("a", type="offboard-machine")),
    )
    assert run.code == 1
    assert run.err.splitlines()[0].startswith("index 1: type: ")
    assert (
        json.loads(actionbot("pending", "--format", "json", url=sqlite_url, cwd=tmp_path).out)[0][
            "type"
        ]
        == "isolate-device"
    )


def test_missing_file_is_a_usage_error(sqlite_url: str, tmp_path: Path) -> None:
    run = actionbot("ingest", str(tmp_path / "nope.json"), url=sqlite_url, cwd=tmp_path)
    assert run.code == 2
    assert "nope.json" in one_line(run)


# --- roles -------------------------------------------------------------------------------------


def test_roles_grant_list_revoke(sqlite_url: str, tmp_path: Path) -> None:
    def roles(*args: str) -> Run:
        return actionbot("roles", *args, url=sqlite_url, cwd=tmp_path)

    assert roles("list").out.strip() == "(no role assignments)"
    granted = roles("grant", "Alice@Example.com", "Security Administrator", "search-and-purge")
    assert granted.code == 0
    assert "alice@example.com" in granted.out
    assert roles("grant", "U0123ABCD", "security-reader").code == 0
    assert roles("list").out.splitlines() == [
        "U0123ABCD: security-reader",
        "alice@example.com: search-and-purge, security-administrator",
    ]
    assert roles("list", "ALICE@example.com").out.splitlines() == [
        "alice@example.com: search-and-purge, security-administrator"
    ]
    assert roles("revoke", "alice@example.com", "search-and-purge").code == 0
    assert (
        roles("list", "alice@example.com").out.strip()
        == "alice@example.com: security-administrator"
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("grant", "alice@example.com", "security-admin"), "did you mean security-administrator"),
        (("grant", "not-a-user", "security-reader"), "not an email address or a Slack user ID"),
        (("revoke", "alice@example.com", "bogus"), "unknown role 'bogus'"),
        (("grant", "alice@example.com"), "required"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_role_usage_errors_exit_2(
    sqlite_url: str, tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    run = actionbot("roles", *args, url=sqlite_url, cwd=tmp_path)
    assert run.code == 2
    assert words in one_line(run)


def test_roles_import_replaces_every_assignment(sqlite_url: str, tmp_path: Path) -> None:
    actionbot(
        "roles", "grant", "old@example.com", "global-administrator", url=sqlite_url, cwd=tmp_path
    )
    table = tmp_path / "roles.yml"
    table.write_text(
        "U0123ABCD: [security-reader]\n"
        "Bob@example.com:\n  - Global Administrator\n  - security-reader\n"
    )
    run = actionbot("roles", "import", str(table), url=sqlite_url, cwd=tmp_path)
    assert run.code == 0, run.err
    assert actionbot("roles", "list", url=sqlite_url, cwd=tmp_path).out.splitlines() == [
        "U0123ABCD: security-reader",
        "bob@example.com: global-administrator, security-reader",
    ]


def test_a_bad_roles_file_changes_nothing(sqlite_url: str, tmp_path: Path) -> None:
    actionbot(
        "roles", "grant", "old@example.com", "global-administrator", url=sqlite_url, cwd=tmp_path
    )
    table = tmp_path / "roles.yml"
    table.write_text("U0123ABCD: [security-reader, bogus]\nnobody: [security-reader]\n")
    run = actionbot("roles", "import", str(table), url=sqlite_url, cwd=tmp_path)
    assert run.code == 1
    lines = run.err.splitlines()
    assert len(lines) == 3
    assert "bogus" in lines[0]
    assert "nobody" in lines[1]
    assert "nothing was changed" in lines[2]
    not_yaml = tmp_path / "broken.yml"
    not_yaml.write_text("[1, 2")
    assert actionbot("roles", "import", str(not_yaml), url=sqlite_url, cwd=tmp_path).code == 1
    assert (
        actionbot("roles", "list", url=sqlite_url, cwd=tmp_path).out.strip()
        == "old@example.com: global-administrator"
    )


def test_roles_commands_refuse_in_graph_mode(sqlite_url: str, tmp_path: Path) -> None:
    run = actionbot(
        "roles", "grant", "a@example.com", "security-reader",
        url=sqlite_url, cwd=tmp_path, env={"ACTIONBOT_ROLE_SOURCE": "graph"},
    )  # fmt: skip
    assert run.code == 2
    assert "Graph" in one_line(run)


# --- database and settings ---------------------------------------------------------------------


def test_db_upgrade_twice(sqlite_url: str, tmp_path: Path) -> None:
    first = actionbot("db", "upgrade", url=sqlite_url, cwd=tmp_path)
    second = actionbot("db", "upgrade", url=sqlite_url, cwd=tmp_path)
    assert (first.code, second.code) == (0, 0)
    assert first.out == second.out
    assert (tmp_path / "cli.db").exists()


def test_default_database_is_a_file_in_the_working_directory(tmp_path: Path) -> None:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("ACTIONBOT_", "SLACK_"))
    }
    environment["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], cwd=tmp_path, env=environment,
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "actionbot.db").exists()


def test_unreachable_database_exits_2_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://someone:hunter2secret@127.0.0.1:1/actionbot"
    for args in (("pending",), ("db", "upgrade"), ("roles", "list")):
        run = actionbot(*args, url=url, cwd=tmp_path)
        assert run.code == 2
        line = one_line(run)
        assert "unreachable" in line
        assert "hunter2secret" not in run.err + run.out


def test_a_file_that_is_not_a_database_exits_2(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_text("this is not SQLite")
    run = actionbot("history", url=f"sqlite:///{tmp_path / 'junk.db'}", cwd=tmp_path)
    assert run.code == 2
    assert "not a database" in one_line(run)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ACTIONBOT_DATABASE_URL", "mysql://u:hunter2secret@db/x"),
        ("ACTIONBOT_DATABASE_URL", "::::"),
        ("ACTIONBOT_PORT", "http"),
        ("ACTIONBOT_ROLE_CACHE_SECONDS", "-5"),
        ("ACTIONBOT_EXPIRE_AFTER", "a week"),
        ("ACTIONBOT_ROLE_SOURCE", "ldap"),
        ("ACTIONBOT_EXECUTOR", "ansible"),
    ],
)
def test_malformed_settings_exit_2_naming_the_variable(
    sqlite_url: str, tmp_path: Path, variable: str, value: str
) -> None:
    run = actionbot("pending", url=sqlite_url, cwd=tmp_path, env={variable: value})
    assert run.code == 2
    line = one_line(run)
    assert variable in line
    assert "hunter2secret" not in line


def test_settings_are_read_from_dot_env_in_the_working_directory(
    sqlite_url: str, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("ACTIONBOT_REMIND_AFTER=soon\n")
    run = actionbot("pending", url=sqlite_url, cwd=tmp_path)
    assert run.code == 2
    assert "ACTIONBOT_REMIND_AFTER" in one_line(run)


@pytest.mark.parametrize(
    "args",
    [(), ("bogus",), ("history", "--window", "year"), ("history", "--format", "xml"),
     ("pending", "--type", "isolate"), ("history", "--status", "done"), ("db",)],
)  # fmt: skip
def test_usage_errors_exit_2_on_one_line(
    sqlite_url: str, tmp_path: Path, args: tuple[str, ...]
) -> None:
    run = actionbot(*args, url=sqlite_url, cwd=tmp_path)
    assert run.code == 2
    assert one_line(run).startswith("actionbot: ")


def test_help_exits_0(sqlite_url: str, tmp_path: Path) -> None:
    run = actionbot("--help", url=sqlite_url, cwd=tmp_path)
    assert run.code == 0
    for name in ("db", "ingest", "roles", "history", "pending"):
        assert name in run.out


def test_empty_listings(sqlite_url: str, tmp_path: Path) -> None:
    assert (
        json.loads(actionbot("history", "--format", "json", url=sqlite_url, cwd=tmp_path).out) == []
    )
    assert actionbot("pending", url=sqlite_url, cwd=tmp_path).out.splitlines()[-1] == "(no actions)"
    out = actionbot("pending", "--format", "csv", url=sqlite_url, cwd=tmp_path).out
    assert out.splitlines() == [
        "id,type,source,status,target,investigation,created,decided-by,decided-at,comment"
    ]


def test_a_number_too_long_to_convert_exits_1_naming_the_field(
    sqlite_url: str, tmp_path: Path
) -> None:
    record = json.dumps(action("big")).replace('"id": "big"', '"id": "big", "details": {"n": 7}')
    data = record.replace('"n": 7', '"n": ' + "7" * 5000).encode()
    run = actionbot("ingest", "-", url=sqlite_url, cwd=tmp_path, stdin=data)
    assert run.code == 1
    assert run.err.splitlines()[0].startswith("index 0: details.n: is a number too long")
