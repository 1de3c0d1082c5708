"""Valid ingest records (CONTRACT.md section 5) to build tests from."""

from __future__ import annotations

import json
from typing import Any

MACHINE_ID = "0123456789abcdef0123456789abcdef01234567"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"

# The smallest target each type accepts.
MINIMAL_TARGETS: dict[str, dict[str, str]] = {
    "collect-investigation-package": {"device_name": "WS-0142"},
    "isolate-device": {"device_name": "WS-0142"},
    "release-from-isolation": {"machine_id": MACHINE_ID},
    "offboard-machine": {"device_name": "WS-0142"},
    "release-code-execution": {"device_name": "WS-0142"},
    "release-from-quarantine": {"device_name": "WS-0142"},
    "request-sample": {"device_name": "WS-0142", "sha1": SHA1},
    "restrict-code-execution": {"machine_id": MACHINE_ID},
    "run-antivirus-scan": {"device_name": "WS-0142"},
    "stop-and-quarantine": {"machine_id": MACHINE_ID, "sha1": SHA1},
    "soft-delete-email": {"network_message_id": "nm-1", "recipient": "a@example.com"},
    "hard-delete-email": {"network_message_id": "nm-1", "recipient": "a@example.com"},
    "move-to-junk": {"network_message_id": "nm-1", "recipient": "a@example.com"},
    "block-url": {"url": "https://evil.example/x"},
    "turn-off-external-mail-forwarding": {"mailbox": "a@example.com"},
}


def action(upstream_id: str = "up-1", **fields: Any) -> dict[str, Any]:
    """A valid pending device action; keyword arguments replace (or, as None, drop) fields."""
    record: dict[str, Any] = {
        "id": upstream_id,
        "type": "isolate-device",
        "source": "automated-device-action",
        "created_at": "2026-11-27T08:00:00Z",
        "target": {"device_name": "WS-0142"},
    }
    if "type" in fields and "target" not in fields:
        record["target"] = dict(MINIMAL_TARGETS.get(fields["type"], record["target"]))
    record.update(fields)
    return {k: v for k, v in record.items() if v is not None}


def document(*records: dict[str, Any]) -> bytes:
    return json.dumps(list(records)).encode()


def json_lines(*records: dict[str, Any]) -> bytes:
    return "\n".join(json.dumps(r) for r in records).encode() + b"\n"
