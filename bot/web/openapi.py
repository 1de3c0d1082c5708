"""The OpenAPI 3.1 document of the ingest API, built from the same pydantic models that validate
the requests, so the schema cannot drift from what the server accepts."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel

from bot.domain.catalog import ActionType, Category
from bot.domain.incoming import ActionIn, Target, missing_target_fields
from bot.domain.reports import StatusReport
from bot.web import answers

_REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=name)}


def _model_schemas(*models: type[BaseModel]) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=_REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


_INGEST_BODY = {
    "anyOf": [
        _ref("ActionIn"),
        {"type": "array", "items": _ref("ActionIn")},
        {
            "type": "object",
            "required": ["actions"],
            "additionalProperties": False,
            "properties": {"actions": {"type": "array", "items": _ref("ActionIn")}},
        },
    ]
}

_INGEST_RULES = """\
One action, an array of actions, or `{"actions": [...]}`; at most 1 MiB. All or nothing: when any \
record is invalid, nothing is stored and the 400 answer lists every invalid record's index and \
field. `type`, `source` and `status` also accept display names, case-insensitively. A device \
action needs `target.device_name` or `target.machine_id`; stop-and-quarantine and request-sample \
also need `target.sha1`; email actions need `target.network_message_id` and `target.recipient`, \
except block-url (`target.url`) and turn-off-external-mail-forwarding (`target.mailbox`). \
Re-sending an `id` never makes a second action: identical content is unchanged, new descriptive \
fields or a later status update it, and a different type or target for a still-pending action is \
refused (400)."""


def _json(schema: Any, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    described = {
        401: "Missing or wrong bearer token, or ACTIONBOT_INGEST_TOKEN is not set on the bot.",
        404: "No action has this id (upstream id or short id).",
        413: "The body is larger than 1 MiB.",
        415: "The body is not JSON, or Content-Type is not application/json.",
        503: "The database is not answering; nothing was changed. Retry later.",
    }
    return {str(code): _json(_ref("Error"), described[code]) for code in codes}


def _present(*fields: str) -> dict[str, Any]:
    """`target` holds each of `fields`, not null."""
    return {
        "required": list(fields),
        "properties": {field: {"type": "string"} for field in fields},
    }


def _target_rules() -> list[dict[str, Any]]:
    """What each type needs in `target`, as if/then rules on `type` (CONTRACT.md section 5),
    so that a generated client or a fuzzer knows what the server refuses. The fields come from
    `missing_target_fields` itself, asked what an empty target lacks."""
    rules: list[dict[str, Any]] = []
    for action_type in ActionType:
        needed = [
            field.removeprefix("target.")
            for field, _ in missing_target_fields(action_type, Target())
        ]
        if action_type.category is Category.DEVICE:
            # device_name stands for "device_name or machine_id"
            others = [field for field in needed if field != "device_name"]
            target: dict[str, Any] = {
                "anyOf": [_present("device_name", *others), _present("machine_id", *others)]
            }
        else:
            target = _present(*needed)
        rules.append(
            {
                "if": {"required": ["type"], "properties": {"type": {"const": action_type.value}}},
                "then": {"required": ["target"], "properties": {"target": target}},
            }
        )
    return rules


_NO_NUL = "^[^\\u0000]*$"
"""No database stores a NUL character in text (PostgreSQL refuses it): no string may hold one."""


_DETAIL_OBJECT = {
    "type": "object",
    "propertyNames": {"pattern": _NO_NUL},
    "additionalProperties": _ref("DetailValue"),
}
_DETAIL_VALUE = {
    "anyOf": [
        {"type": "string", "pattern": _NO_NUL},
        {"type": ["number", "boolean", "null"]},
        {"type": "array", "items": _ref("DetailValue")},
        _DETAIL_OBJECT,
    ]
}


def _undo_rule() -> dict[str, Any]:
    """Only a type with an undo type may arrive with the status undone."""
    final = [t.value for t in ActionType if t.undo_type is None]
    return {
        "if": {"required": ["type"], "properties": {"type": {"enum": final}}},
        "then": {"properties": {"status": {"not": {"const": "undone"}}}},
    }


_STORABLE_TIME = "^(?!0001-01-01T)(?!9999-12-31T)"
"""Every timestamp must fall within years 1 to 9999 once in UTC; the first and last day, where
an offset could carry it out, are left out of the document altogether."""


def _text_without_nul(schema: dict[str, Any]) -> None:
    for option in schema.get("anyOf", [schema]):
        if option.get("type") != "string":
            continue
        if option.get("format") == "date-time":
            option.setdefault("pattern", _STORABLE_TIME)
        else:
            option.setdefault("pattern", _NO_NUL)


def _action_schema(schema: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    schema["allOf"] = [*_target_rules(), _undo_rule()]
    for field in (*schema["properties"].values(), *target["properties"].values()):
        _text_without_nul(field)
    schema["properties"]["details"] = {
        "anyOf": [_DETAIL_OBJECT, {"type": "null"}],
        "default": None,
        "description": "Free-form JSON, nested at most 32 deep; no text in it holds NUL.",
    }
    schema["properties"]["id"]["pattern"] = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"  # not blank
    return schema


@cache
def openapi_document() -> dict[str, Any]:
    schemas = _model_schemas(ActionIn, StatusReport)
    schemas["ActionIn"] = _action_schema(schemas["ActionIn"], schemas["Target"])
    schemas["DetailValue"] = _DETAIL_VALUE
    for field in schemas["StatusReport"]["properties"].values():
        _text_without_nul(field)
    schemas.update(_model_schemas(*answers.MODELS))
    secured: list[dict[str, list[str]]] = [{"ingestToken": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "actionbot ingest API",
            "version": "1",
            "description": (
                "Hand Microsoft 365 Defender remediation actions to actionbot, which posts "
                "pending ones to Slack for approval, and report how approved ones were carried out."
            ),
        },
        "paths": {
            "/api/v1/actions": {
                "post": {
                    "operationId": "ingestActions",
                    "summary": "Store actions (idempotent by id)",
                    "description": _INGEST_RULES,
                    "security": secured,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _INGEST_BODY}},
                    },
                    "responses": {
                        "200": _json(_ref("Ingested"), "Stored."),
                        "400": _json(_ref("Problem"), "Invalid records; nothing was stored."),
                        **_errors(401, 413, 415, 503),
                    },
                }
            },
            "/api/v1/actions/{id}/status": {
                "post": {
                    "operationId": "reportStatus",
                    "summary": "Report how an approved action is being carried out",
                    "description": (
                        "Allowed from approved or in-progress: approved -> in-progress, "
                        "completed, failed or cancelled; in-progress -> completed, failed or "
                        "cancelled. Reporting the status the action already has is 200 and "
                        "changes nothing. The action's Slack card is updated."
                    ),
                    "security": secured,
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "description": "The upstream id (matched first) or the short id.",
                            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("StatusReport")}},
                    },
                    "responses": {
                        "200": _json(_ref("StatusAccepted"), "Recorded (or already so)."),
                        "400": _json(_ref("Problem"), "Invalid report; nothing was changed."),
                        "409": _json(_ref("Conflict"), "The action's status does not allow it."),
                        **_errors(401, 404, 413, 415, 503),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Whether the bot's database answers",
                    "security": [],
                    "responses": {
                        "200": _json(_ref("Health"), "The database answers."),
                        "503": _json(_ref("Health"), "The database does not answer."),
                    },
                }
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "ingestToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The value of ACTIONBOT_INGEST_TOKEN.",
                }
            },
        },
        "security": secured,
    }
