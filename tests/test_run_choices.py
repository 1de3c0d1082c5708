"""`actionbot run` never ignores ACTIONBOT_ROLE_SOURCE or ACTIONBOT_EXECUTOR (CONTRACT.md section
9): unknown values, known ones without their settings, and ones not yet available all stop it
with exit 2 and one line naming the variable, and no secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_run_command import run_bot

SLACK = {"SLACK_BOT_TOKEN": "xoxb-never-shown", "SLACK_SIGNING_SECRET": "s3cret-never-shown"}
MICROSOFT = {
    "ACTIONBOT_TENANT_ID": "00000000-0000-0000-0000-000000000001",
    "ACTIONBOT_CLIENT_ID": "00000000-0000-0000-0000-000000000002",
    "ACTIONBOT_CLIENT_SECRET": "client-secret-never-shown",
}


@pytest.mark.parametrize(
    ("variables", "named", "says"),
    [
        ({"ACTIONBOT_ROLE_SOURCE": "ldap"}, "ACTIONBOT_ROLE_SOURCE", "local"),
        ({"ACTIONBOT_EXECUTOR": "ansible"}, "ACTIONBOT_EXECUTOR", "none"),
        ({"ACTIONBOT_ROLE_SOURCE": "graph"}, "ACTIONBOT_ROLE_SOURCE", "ACTIONBOT_TENANT_ID"),
        (
            {
                "ACTIONBOT_ROLE_SOURCE": "graph",
                "ACTIONBOT_TENANT_ID": "t",
                "ACTIONBOT_CLIENT_ID": "c",
            },
            "ACTIONBOT_ROLE_SOURCE",
            "ACTIONBOT_CLIENT_SECRET",
        ),
        ({"ACTIONBOT_ROLE_SOURCE": "graph", **MICROSOFT}, "ACTIONBOT_ROLE_SOURCE", "not yet"),
        ({"ACTIONBOT_EXECUTOR": "defender"}, "ACTIONBOT_EXECUTOR", "ACTIONBOT_TENANT_ID"),
        ({"ACTIONBOT_EXECUTOR": "defender", **MICROSOFT}, "ACTIONBOT_EXECUTOR", "not yet"),
    ],
)
def test_an_unusable_role_source_or_executor_stops_run_naming_it(
    tmp_path: Path, variables: dict[str, str], named: str, says: str
) -> None:
    done = run_bot(tmp_path, **SLACK, **variables)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert named in lines[0]
    assert says in lines[0]
    assert "Traceback" not in done.stderr
    for secret in (*SLACK.values(), MICROSOFT["ACTIONBOT_CLIENT_SECRET"]):
        assert secret not in done.stderr + done.stdout
