"""The ingest format (CONTRACT.md section 5): every accepted shape and every refused record."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.catalog import ActionSource, ActionType
from bot.domain.incoming import InvalidInput, ParsedDocument, parse_document
from bot.domain.statuses import Status
from tests.support.actions import MACHINE_ID, MINIMAL_TARGETS, SHA1, action, document, json_lines


def refused(data: str | bytes) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_document(data)
    return caught.value


def problems(data: str | bytes) -> list[tuple[int, str, str]]:
    """(position, kind, field) of every reported problem."""
    return [(e.position, e.position_kind, e.field) for e in refused(data).errors]


# --- shapes ------------------------------------------------------------------------------------


def test_one_object() -> None:
    parsed = parse_document(json.dumps(action("a")))
    assert [a.id for a in parsed.actions] == ["a"]
    assert parsed.position_kind == "index"
    assert parsed.positions == [0]


def test_array_keeps_input_order() -> None:
    parsed = parse_document(document(action("b"), action("a"), action("c")))
    assert [a.id for a in parsed.actions] == ["b", "a", "c"]
    assert parsed.positions == [0, 1, 2]


def test_actions_envelope() -> None:
    parsed = parse_document(json.dumps({"actions": [action("a"), action("b")]}))
    assert [a.id for a in parsed.actions] == ["a", "b"]


def test_json_lines_positions_are_line_numbers_counting_blank_lines() -> None:
    text = "\n".join(
        [json.dumps(action("a")), "", "   ", json.dumps(action("b")), "", json.dumps(action("c"))]
    )
    parsed = parse_document(text)
    assert [a.id for a in parsed.actions] == ["a", "b", "c"]
    assert parsed.position_kind == "line"
    assert parsed.positions == [1, 4, 6]


def test_json_lines_with_crlf_and_trailing_newline() -> None:
    text = json.dumps(action("a")) + "\r\n" + json.dumps(action("b")) + "\r\n"
    assert [a.id for a in parse_document(text.encode()).actions] == ["a", "b"]


def test_empty_array_is_an_empty_document() -> None:
    assert parse_document("[]").actions == []


def test_bytes_and_text_parse_alike() -> None:
    data = document(action("é-1", target={"device_name": "PC-Zoë"}))
    assert parse_document(data) == parse_document(data.decode())


# --- whole-input refusals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"\xff\xfe{}", "UTF-8"),
        (b"not json", "not valid JSON"),
        (b'[{"id": "a"', "not valid JSON"),
        (b'"just a string"', "expected a JSON object"),
        (b"42", "expected a JSON object"),
        (b'{"actions": {"id": "a"}}', '"actions" must be an array'),
    ],
)
def test_input_that_is_not_a_document(data: bytes, words: str) -> None:
    error = refused(data)
    assert words in error.summary
    assert "\n" not in error.summary


# --- fields ------------------------------------------------------------------------------------


def test_defaults_pending_and_no_created_at() -> None:
    parsed = parse_document(json.dumps(action("a", created_at=None)))
    assert parsed.actions[0].status is Status.PENDING
    assert parsed.actions[0].created_at is None


def test_display_names_are_accepted_for_type_source_and_status() -> None:
    record = action(
        "a", type="Stop and Quarantine", source="live response ACTION", status="In-Progress"
    )
    record["target"] = {"machine_id": MACHINE_ID, "sha1": SHA1}
    parsed = parse_document(json.dumps(record)).actions[0]
    assert parsed.type is ActionType.STOP_AND_QUARANTINE
    assert parsed.source is ActionSource.LIVE_RESPONSE_ACTION
    assert parsed.status is Status.IN_PROGRESS


def test_time_zones_are_kept_as_given_instants() -> None:
    parsed = parse_document(
        json.dumps(action("a", created_at="2026-11-27T10:00:00+02:00"))
    ).actions[0]
    assert parsed.created_at is not None
    assert parsed.created_at.utcoffset() == timedelta(hours=2)
    assert parsed.created_at == datetime(2026, 11, 27, 8, tzinfo=UTC)


@pytest.mark.parametrize("field", ["created_at", "updated_at"])
def test_timestamps_without_a_time_zone_are_refused(field: str) -> None:
    assert problems(json.dumps(action("a", **{field: "2026-11-27T08:00:00"}))) == [
        (0, "index", field)
    ]


def test_machine_id_and_sha1_are_forty_hex_characters_any_case() -> None:
    upper = MACHINE_ID.upper()
    record = action("a", type="stop-and-quarantine", target={"machine_id": upper, "sha1": SHA1})
    parsed = parse_document(json.dumps(record)).actions[0]
    assert parsed.target.machine_id == MACHINE_ID


@pytest.mark.parametrize(
    "value", [MACHINE_ID[:-1], MACHINE_ID + "0", "g" * 40, MACHINE_ID[:20] + "-" + MACHINE_ID[21:]]
)
@pytest.mark.parametrize("field", ["machine_id", "sha1"])
def test_bad_hex_is_refused(field: str, value: str) -> None:
    target = {"machine_id": MACHINE_ID, "sha1": SHA1, field: value}
    error = refused(json.dumps(action("a", type="stop-and-quarantine", target=target)))
    assert [(e.field, e.message) for e in error.errors] == [
        (f"target.{field}", "must be 40 hexadecimal characters")
    ]


@pytest.mark.parametrize("action_type", sorted(MINIMAL_TARGETS))
def test_each_types_minimal_target_is_enough(action_type: str) -> None:
    parsed = parse_document(json.dumps(action("a", type=action_type)))
    assert parsed.actions[0].type is ActionType(action_type)


# Per CONTRACT §5: what each type needs, field by field.
REQUIRED: dict[str, list[str]] = {
    "request-sample": ["sha1"],
    "stop-and-quarantine": ["sha1"],
    "soft-delete-email": ["network_message_id", "recipient"],
    "hard-delete-email": ["network_message_id", "recipient"],
    "move-to-junk": ["network_message_id", "recipient"],
    "block-url": ["url"],
    "turn-off-external-mail-forwarding": ["mailbox"],
}


@pytest.mark.parametrize(
    ("action_type", "missing"),
    [(t, f) for t, fields in REQUIRED.items() for f in fields],
)
def test_each_required_target_field(action_type: str, missing: str) -> None:
    target = dict(MINIMAL_TARGETS[action_type])
    del target[missing]
    assert problems(json.dumps(action("a", type=action_type, target=target))) == [
        (0, "index", f"target.{missing}")
    ]


@pytest.mark.parametrize(
    "action_type", [t.value for t in ActionType if t.category.value == "device"]
)
def test_device_actions_need_a_device_name_or_machine_id(action_type: str) -> None:
    target = {k: v for k, v in MINIMAL_TARGETS[action_type].items() if k == "sha1"}
    fields = [f for _, _, f in problems(json.dumps(action("a", type=action_type, target=target)))]
    assert fields == ["target.device_name"]
    target["machine_id"] = MACHINE_ID
    parse_document(json.dumps(action("a", type=action_type, target=target)))


def test_empty_email_target_reports_both_fields() -> None:
    assert problems(json.dumps(action("a", type="soft-delete-email", target={}))) == [
        (0, "index", "target.network_message_id"),
        (0, "index", "target.recipient"),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": None}, "id"),
        ({"type": None, "target": {"device_name": "x"}}, "type"),
        ({"source": None}, "source"),
        ({"id": ""}, "id"),
        ({"id": "x" * 201}, "id"),
        ({"id": 42}, "id"),
        ({"type": "isolate"}, "type"),
        ({"type": 3, "target": {"device_name": "x"}}, "type"),
        ({"source": "automatic"}, "source"),
        ({"status": "done"}, "status"),
        ({"status": 1}, "status"),
        ({"created_at": "yesterday"}, "created_at"),
        ({"target": "WS-1"}, "target"),
        ({"target": {"device_name": 7}}, "target.device_name"),
        ({"target": {"device_name": ""}}, "target.device_name"),
        ({"target": {"device_name": "x", "hostname": "x"}}, "target.hostname"),
        ({"details": ["not", "an", "object"]}, "details"),
        ({"investigation_id": 12}, "investigation_id"),
        ({"targt": {"device_name": "x"}}, "targt"),
    ],
)
def test_wrong_types_and_unknown_fields_name_the_field(change: dict[str, Any], field: str) -> None:
    record = action("a")
    record.update(change)
    record = {k: v for k, v in record.items() if v is not None}
    fields = {f for _, _, f in problems(json.dumps(record))}
    assert field in fields


def test_unknown_type_suggests_the_key() -> None:
    error = refused(json.dumps(action("a", type="isolate-devise")))
    assert "isolate-device" in error.errors[0].message


# --- every invalid record, with its position ---------------------------------------------------


def test_every_invalid_record_of_an_array_is_reported_by_index() -> None:
    data = document(
        action("ok-0"),
        action("bad-1", type="block-url", target={}),  # valid shape, lacks its url
        7,  # type: ignore[arg-type]
        action("ok-3"),
        action("bad-4", created_at="2026-11-27 08:00"),
    )
    error = refused(data)
    assert [(e.position, e.field) for e in error.errors] == [
        (1, "target.url"),
        (2, "(record)"),
        (4, "created_at"),
    ]
    assert error.summary == "3 invalid record(s); nothing was stored"
    assert error.errors[0].describe() == "index 1: target.url: block-url needs url"


def test_every_invalid_line_of_json_lines_is_reported_by_line() -> None:
    lines = [
        json.dumps(action("ok-1")),
        "",
        "{not json",
        json.dumps(action("bad-4", type="soft-delete-email", target={"recipient": "a@b.c"})),
        json.dumps(action("bad-5", source="somewhere")),
        "",
        "[1, 2",
    ]
    assert problems("\n".join(lines)) == [
        (3, "line", "(record)"),
        (4, "line", "target.network_message_id"),
        (5, "line", "source"),
        (7, "line", "(record)"),
    ]


def test_a_json_lines_document_of_valid_records_parses() -> None:
    parsed: ParsedDocument = parse_document(json_lines(action("a"), action("b")))
    assert parsed.positions == [1, 2]


def test_undone_only_for_types_that_can_be_undone() -> None:
    parse_document(json.dumps(action("a", status="undone", updated_at="2026-11-27T09:00:00Z")))
    error = refused(json.dumps(action("b", type="run-antivirus-scan", status="undone")))
    assert [(e.field, e.message) for e in error.errors] == [
        ("status", "run-antivirus-scan cannot be undone (it has no undo type)")
    ]


# --- what a reader would not keep as written (bot.domain.strict_json) ---------------------------

_OK = '{"id": "ok", "type": "isolate-device", "source": "manual-device-action", "target": {"device_name": "A"}}'  # noqa: E501


def _second(fields: str) -> str:
    target = "" if '"target"' in fields else '"target": {"device_name": "B"}, '
    return f'[{_OK}, {{"source": "manual-device-action", {target}{fields}}}]'


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ('"id": "b", "type": "isolate-device", "type": "offboard-machine"', "(record)", "'type'"),
        (
            '"id": "b", "type": "isolate-device", "details": {"n": ' + "9" * 5000 + "}",
            "details.n",
            "too long",
        ),
        ('"id": "b", "type": "isolate-device", "details": {"x": [1, NaN]}', "details.x.1", "NaN"),
        (
            '"id": "b", "type": "isolate-device", "details": {"x": Infinity}',
            "details.x",
            "Infinity",
        ),
        (
            '"id": "b", "type": "isolate-device", "details": {"x": -1e400}',
            "details.x",
            "out of range",
        ),
        ('"id": "   ", "type": "isolate-device"', "id", "blank"),
        (
            '"id": "b", "type": "isolate-device", '
            '"target": {"device_name": "B", "device_name": "C"}',
            "target",
            "'device_name'",
        ),
    ],
)
def test_values_a_reader_would_not_keep_as_written_are_field_errors(
    fields: str, field: str, words: str
) -> None:
    (error,) = refused(_second(fields)).errors
    assert (error.position, error.field) == (1, field)
    assert words in error.message


def test_json_lines_report_a_duplicated_key_by_line() -> None:
    data = f'{_OK}\n{{"id": "b", "id": "c", "type": "isolate-device", "source": "manual-device-action", "target": {{"device_name": "B"}}}}\n'  # noqa: E501
    assert problems(data) == [(2, "line", "(record)")]
