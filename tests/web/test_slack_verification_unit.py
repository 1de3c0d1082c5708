"""The verification gate on its own, with Slack's published signing test vector, and the payload
shapes of the edge against Slack's real payloads."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from bot.listeners.edge import shape_problem
from bot.web.slack_verification import SlackRequestVerification

VECTOR = json.loads((Path(__file__).parent / "slack_signature_vector.json").read_text())
PAYLOADS = [
    Path(__file__).parent.parent / "listeners" / "payloads",
    Path(__file__).parent / "real_payloads",
]


class _Inner:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.bodies.append(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        start_response("200 OK", [])
        return [b""]


def _call(body: bytes, timestamp: str, signature: str, *, now: float) -> tuple[str, _Inner]:
    inner = _Inner()
    gate = SlackRequestVerification(inner, VECTOR["signing_secret"], clock=lambda: now)
    environ = {
        "PATH_INFO": "/slack/events",
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp,
        "HTTP_X_SLACK_SIGNATURE": signature,
        "wsgi.input": io.BytesIO(body),
    }
    statuses: list[str] = []
    gate(environ, lambda status, _headers, *_: statuses.append(status))  # type: ignore[arg-type]
    return statuses[0], inner


def test_slack_s_test_vector_passes_with_its_body_intact() -> None:
    body = VECTOR["body"].encode()
    now = int(VECTOR["timestamp"]) + 299
    status, inner = _call(body, VECTOR["timestamp"], VECTOR["expected_signature"], now=now)
    assert status.startswith("200")
    assert inner.bodies == [body]


@pytest.mark.parametrize(
    ("change", "skew"),
    [("body", 0), ("signature", 0), ("timestamp", 0), ("none", 301), ("none", -301)],
)
def test_any_change_to_the_vector_or_a_late_clock_is_refused(change: str, skew: int) -> None:
    body, timestamp, signature = (
        VECTOR["body"].encode(),
        VECTOR["timestamp"],
        VECTOR["expected_signature"],
    )
    if change == "body":
        body = body.replace(b"roadrunner", b"roadrunneR")
    elif change == "signature":
        signature = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    elif change == "timestamp":
        timestamp = str(int(timestamp) + 1)
    status, inner = _call(body, timestamp, signature, now=int(VECTOR["timestamp"]) + skew)
    assert status.startswith("401")
    assert inner.bodies == []


def _real_payloads() -> list[tuple[str, dict[str, Any]]]:
    files = sorted(path for folder in PAYLOADS for path in folder.glob("*.json"))
    found = [(path.name, json.loads(path.read_text())) for path in files]
    slash = dict(parse_qsl(VECTOR["body"]))
    return [*found, ("signature vector's slash command", slash)]


@pytest.mark.parametrize(("name", "payload"), _real_payloads())
def test_slack_s_real_payloads_have_the_expected_shape(name: str, payload: dict[str, Any]) -> None:
    assert shape_problem(payload) is None, name


def test_a_shape_problem_names_the_field() -> None:
    (_, click), *_ = [p for p in _real_payloads() if p[1].get("type") == "block_actions"]
    assert "actions" in str(shape_problem({**click, "actions": []}))
    assert "user.id" in str(shape_problem({**click, "user": {"id": 7}}))
