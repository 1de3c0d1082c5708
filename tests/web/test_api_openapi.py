"""GET /api/v1/openapi.json: a valid OpenAPI 3.1 document that tells the truth about the API.

Real answers are checked against the documented schemas, and the endpoints are fuzzed with bodies
generated from the document (and with arbitrary JSON and bytes): never a 5xx, never a traceback,
never an undocumented status or body."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from bot.web.openapi import openapi_document
from tests.support.running_bot import BotUnderTest, HttpAnswer
from tests.web.api_helpers import AUTH, JSON, device_action, post_json, report, send
from tests.web.schema_strategies import ANY_JSON, from_schema

DOCUMENT = openapi_document()
INGEST = ("/api/v1/actions", "post")
STATUS = ("/api/v1/actions/{id}/status", "post")


def schema(fragment: dict[str, Any]) -> dict[str, Any]:
    """A fragment of the document as a standalone JSON Schema whose #/components refs resolve."""
    return {**fragment, "components": DOCUMENT["components"]}


def request_schema(operation: tuple[str, str]) -> dict[str, Any]:
    path, method = operation
    body = DOCUMENT["paths"][path][method]["requestBody"]["content"]["application/json"]
    return schema(body["schema"])


def assert_documented(operation: tuple[str, str], answer: HttpAnswer) -> None:
    path, method = operation
    responses = DOCUMENT["paths"][path][method]["responses"]
    assert str(answer.status) in responses, (answer.status, answer.body[:300])
    documented = responses[str(answer.status)]["content"]["application/json"]["schema"]
    assert answer.headers["Content-Type"] == "application/json"
    Draft202012Validator(schema(documented)).validate(answer.json())
    assert b"Traceback" not in answer.body


def test_the_served_document_is_valid_openapi_3_1(bot: BotUnderTest) -> None:
    answer = bot.request("GET", "/api/v1/openapi.json")  # no token needed to read it
    assert answer.status == 200
    document = answer.json()
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert document == json.loads(json.dumps(DOCUMENT))
    for fragment in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(fragment)


def test_the_documented_examples_are_what_the_server_answers(bot: BotUnderTest) -> None:
    ingest_body = Draft202012Validator(request_schema(INGEST))
    good = device_action("doc-1")
    for body in (good, [good], {"actions": [good]}):
        ingest_body.validate(body)
        assert_documented(INGEST, send(bot, body))
    assert_documented(INGEST, send(bot, [device_action("doc-2", target={})]))  # 400
    assert_documented(INGEST, bot.request("POST", "/api/v1/actions", b"[]", JSON))  # 401
    assert_documented(INGEST, bot.request("POST", "/api/v1/actions", b"[", {**AUTH, **JSON}))
    big = b"[" + b" " * (1024 * 1024) + b"]"
    assert_documented(INGEST, bot.request("POST", "/api/v1/actions", big, {**AUTH, **JSON}))

    status_body = Draft202012Validator(request_schema(STATUS))
    status_body.validate({"status": "completed", "detail": "done"})
    assert_documented(STATUS, report(bot, "doc-1", "completed"))  # 409: still pending
    assert_documented(STATUS, report(bot, "nope", "completed"))  # 404
    assert_documented(STATUS, post_json(bot, "/api/v1/actions/doc-1/status", {"status": "x"}))


def _fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )


def _with_every_target_field() -> Any:
    """Actions whose targets name every field, so that more examples are stored (200)."""
    target = DOCUMENT["components"]["schemas"]["Target"]
    full = {**target, "required": list(target["properties"])}
    actions = from_schema(schema(DOCUMENT["components"]["schemas"]["ActionIn"]), DOCUMENT)
    return st.builds(
        lambda action, target: {**action, "target": target},
        actions,
        from_schema(schema(full), DOCUMENT),
    )


@_fuzz_settings(200)
@given(
    body=from_schema(request_schema(INGEST), DOCUMENT)
    | _with_every_target_field()
    | st.lists(_with_every_target_field(), max_size=3)
)
def test_fuzz_ingest_with_bodies_the_document_allows(bot: BotUnderTest, body: Any) -> None:
    answer = send(bot, body)
    event(f"status {answer.status}")
    assert answer.status in (200, 400), answer.body[:300]
    assert_documented(INGEST, answer)


@_fuzz_settings(100)
@given(body=ANY_JSON | st.fixed_dictionaries({"actions": ANY_JSON}))
def test_fuzz_ingest_with_any_json(bot: BotUnderTest, body: Any) -> None:
    assert_documented(INGEST, send(bot, body))


@_fuzz_settings(50)
@given(body=st.binary(max_size=200))
def test_fuzz_ingest_with_any_bytes(bot: BotUnderTest, body: bytes) -> None:
    answer = bot.request("POST", "/api/v1/actions", body, {**AUTH, **JSON})
    assert_documented(INGEST, answer)


@_fuzz_settings(100)
@given(
    ref=st.text(min_size=1, max_size=40).filter(lambda r: "/" not in r and r not in (".", "..")),
    body=from_schema(request_schema(STATUS), DOCUMENT) | ANY_JSON,
)
def test_fuzz_status_reports(bot: BotUnderTest, ref: str, body: Any) -> None:
    answer = post_json(bot, f"/api/v1/actions/{quote(ref, safe='')}/status", body)
    assert_documented(STATUS, answer)


@pytest.fixture(autouse=True)
def _an_approved_action_to_report_on(request: pytest.FixtureRequest) -> None:
    if "fuzz_status" in request.node.name:
        bot = request.getfixturevalue("bot")
        send(bot, device_action("A-1"))
