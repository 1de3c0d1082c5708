"""The ingest API against its own OpenAPI document, fuzzed by schemathesis with all its checks:
requests the document calls valid are accepted, requests it calls invalid are refused (400, or
401/404/409/413/415 as documented), and every answer matches its documented schema."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from tests.support.running_bot import BotUnderTest
from tests.web.api_helpers import AUTH


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_the_promises_of_its_document(
    bot: BotUnderTest, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_url(bot.url + "/api/v1/openapi.json")
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document is a valid OpenAPI document
        operation = result.ok()
        if mode is GenerationMode.NEGATIVE and operation.method.upper() == "GET":
            continue  # no parameters and no body: nothing can be made invalid

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=60,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_its_promises(case: schemathesis.Case[Any]) -> None:
            if mode is GenerationMode.POSITIVE:
                case.body = with_fresh_ids(case.body)
            case.call_and_validate(base_url=bot.url, headers=AUTH)

        keeps_its_promises()


def with_fresh_ids(body: Any) -> Any:
    """The body with every action's id made new. Re-sending an id with another type or target
    while it is pending is refused (CONTRACT.md section 5): a rule about what was sent before,
    which no schema can state, so each valid example comes from a sender of its own."""
    if isinstance(body, dict) and isinstance(body.get("actions"), list):
        return {**body, "actions": with_fresh_ids(body["actions"])}
    if isinstance(body, list):
        return [with_fresh_ids(record) for record in body]
    if isinstance(body, dict) and isinstance(body.get("id"), str):
        return {**body, "id": f"{uuid.uuid4().hex[:12]}-{body['id'][:180]}"}
    return body
