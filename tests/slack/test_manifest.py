"""manifest.yml creates the app Slack expects: valid against Slack's own manifest schema, with the
slash command, interactivity, Socket Mode, and no bot scope beyond what the bot uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path("/work/shared/slack/manifest-schema/schemas_manifest.schema.1.0.0.json")
SCHEMA_COPY = Path(__file__).parent / "manifest.schema.1.0.0.json"


def _manifest() -> dict[str, Any]:
    # through JSON, as Slack's app configuration page reads it
    loaded: dict[str, Any] = json.loads(
        json.dumps(yaml.safe_load((ROOT / "manifest.yml").read_text()))
    )
    return loaded


def _schema() -> dict[str, Any]:
    path = SCHEMA_COPY if SCHEMA_COPY.exists() else SCHEMA
    if not path.exists():
        pytest.fail(f"Slack's manifest schema is missing: {path}")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def test_manifest_is_valid_against_slacks_schema() -> None:
    jsonschema.validate(_manifest(), _schema())


def test_an_invalid_manifest_is_caught_by_the_schema() -> None:
    broken = _manifest()
    broken["settings"]["interactivity"]["is_enabled"] = "yes"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, _schema())


def test_manifest_has_the_command_interactivity_socket_mode_and_only_needed_scopes() -> None:
    manifest = _manifest()
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/actions"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "chat:write",
        "commands",
        "files:write",
        "im:write",
        "users:read",
        "users:read.email",
    ]
    assert "user" not in manifest["oauth_config"]["scopes"]
