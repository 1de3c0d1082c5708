"""POST /api/v1/actions over real HTTP against the running bot (CONTRACT.md section 5)."""

from __future__ import annotations

import json
import logging
import random
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bot.domain.statuses import Status
from storage.repositories import ActionRepository
from tests.support.running_bot import (
    INGEST_TOKEN,
    BotUnderTest,
    bot_settings,
    start_bot_under_test,
)
from tests.support.slack_api import SlackApiStandIn
from tests.web.api_helpers import (
    AUTH,
    JSON,
    audit_kinds,
    count_actions,
    device_action,
    post_state,
    send,
)

# --- 200 -----------------------------------------------------------------------------------------


def test_one_action_is_stored_and_owes_the_channel_a_card(
    database_url: str, slack_api: SlackApiStandIn
) -> None:
    # Without a channel the owed card stays owed: with one, the ingest wakes the poster, which
    # may post it before this test looks.
    bot = start_bot_under_test(bot_settings(database_url, slack_api, ACTIONBOT_CHANNEL=""))
    try:
        answer = send(bot, device_action("mde-1"))
        assert answer.status == 200
        assert answer.json() == {"new": 1, "updated": 0, "unchanged": 0, "ids": ["A-1"]}
        with bot.db.read() as session:
            stored = ActionRepository(session).find("mde-1")
        assert stored is not None
        assert stored.status is Status.PENDING
        assert stored.target == {"device_name": "WS-0142"}
        assert post_state(bot, "A-1") == "due"  # the poster sends every due card, from any path
        assert audit_kinds(bot) == ["ingested"]
    finally:
        bot.close()


def test_an_array_and_an_actions_object_are_accepted_with_ids_in_input_order(
    bot: BotUnderTest,
) -> None:
    first = send(bot, [device_action("a"), device_action("b")])
    assert first.json() == {"new": 2, "updated": 0, "unchanged": 0, "ids": ["A-1", "A-2"]}
    second = send(bot, {"actions": [device_action("c"), device_action("a"), device_action("c")]})
    assert second.status == 200
    # c is new; a and the repeat of c within the batch are unchanged
    assert second.json() == {"new": 1, "updated": 0, "unchanged": 2, "ids": ["A-3", "A-1", "A-3"]}
    assert count_actions(bot) == 3


def test_resending_never_makes_a_second_action(bot: BotUnderTest) -> None:
    action = device_action("mde-7", investigation_id="inv-1")
    assert send(bot, action).json()["new"] == 1
    again = send(bot, action)
    assert again.json() == {"new": 0, "updated": 0, "unchanged": 1, "ids": ["A-1"]}
    richer = send(bot, {**action, "details": {"alert": "da123"}})
    assert richer.json() == {"new": 0, "updated": 1, "unchanged": 0, "ids": ["A-1"]}
    assert count_actions(bot) == 1


def test_display_names_are_accepted(bot: BotUnderTest) -> None:
    action = device_action("mde-8", type="Isolate Device", source="automated device action")
    assert send(bot, action).status == 200


# --- 400 -----------------------------------------------------------------------------------------

MISSING_PER_TYPE = [
    ("isolate-device", {}, ["target.device_name"]),
    ("run-antivirus-scan", {"file_path": "C:\\x"}, ["target.device_name"]),
    ("stop-and-quarantine", {"device_name": "WS-1"}, ["target.sha1"]),
    ("request-sample", {"machine_id": "a" * 40}, ["target.sha1"]),
    ("soft-delete-email", {"recipient": "ann@example.com"}, ["target.network_message_id"]),
    ("hard-delete-email", {"network_message_id": "m-1"}, ["target.recipient"]),
    ("move-to-junk", {}, ["target.network_message_id", "target.recipient"]),
    ("block-url", {"recipient": "ann@example.com"}, ["target.url"]),
    ("turn-off-external-mail-forwarding", {"recipient": "ann@example.com"}, ["target.mailbox"]),
]


@pytest.mark.parametrize(("action_type", "target", "fields"), MISSING_PER_TYPE)
def test_missing_target_fields_per_type_are_400_naming_each_field(
    bot: BotUnderTest, action_type: str, target: dict[str, str], fields: list[str]
) -> None:
    bad = device_action("x-1", type=action_type, target=target)
    source = "manual-email-action" if "mail" in action_type or "url" in action_type else None
    if source:
        bad["source"] = source
    answer = send(bot, [device_action("ok-1"), bad])
    assert answer.status == 400
    assert [(e["index"], e["field"]) for e in answer.json()["errors"]] == [(1, f) for f in fields]
    assert count_actions(bot) == 0


def test_every_invalid_record_is_listed_and_nothing_is_stored(bot: BotUnderTest) -> None:
    batch: list[Any] = [
        device_action("good"),
        {"type": "isolate-device", "source": "explorer-action", "target": {"device_name": "a"}},
        device_action(42),
        device_action("naive", created_at="2026-11-27T08:00:00"),
        device_action("hex", target={"machine_id": "not-hex"}),
        device_action("typo", targt={"device_name": "a"}),
        device_action("kind", type="reboot-device"),
        device_action("shape", target="WS-1"),
        "not an object",
        device_action("good-too"),
    ]
    answer = send(bot, batch)
    assert answer.status == 400
    body = answer.json()
    found = {(e["index"], e["field"]) for e in body["errors"]}
    assert found == {
        (1, "id"),
        (2, "id"),
        (3, "created_at"),
        (4, "target.machine_id"),
        (5, "targt"),
        (6, "type"),
        (7, "target"),
        (8, "(record)"),
    }
    assert "nothing was stored" in body["error"]
    assert all(e["message"] for e in body["errors"])
    assert count_actions(bot) == 0


def test_a_required_field_missing_is_named(bot: BotUnderTest) -> None:
    for field in ("id", "type", "source"):
        action = device_action("r-1")
        del action[field]
        answer = send(bot, action)
        assert answer.status == 400
        assert [(e["index"], e["field"]) for e in answer.json()["errors"]] == [(0, field)]


def test_changing_a_pending_actions_target_is_refused_and_the_batch_is_not_stored(
    bot: BotUnderTest,
) -> None:
    send(bot, device_action("p-1"))
    answer = send(
        bot,
        [device_action("p-2"), device_action("p-1", target={"device_name": "OTHER-PC"})],
    )
    assert answer.status == 400
    [error] = answer.json()["errors"]
    assert (error["index"], error["field"]) == (1, "target")
    assert "pending" in error["message"]
    assert count_actions(bot) == 1


def test_text_no_database_can_store_is_a_400_not_a_500(bot: BotUnderTest) -> None:
    body = (
        b'[{"id": "nul\\u0000id", "type": "isolate-device", "source": "explorer-action",'
        b' "target": {"device_name": "\\ud800"}}]'
    )
    answer = bot.request("POST", "/api/v1/actions", body, {**AUTH, **JSON})
    assert answer.status == 400
    assert {e["field"] for e in answer.json()["errors"]} == {"id", "target.device_name"}
    assert count_actions(bot) == 0


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_a_time_that_cannot_be_stored_in_utc_is_400(bot: BotUnderTest, moment: str) -> None:
    answer = send(bot, device_action("t", created_at=moment))
    assert answer.status == 400
    assert [e["field"] for e in answer.json()["errors"]] == ["created_at"]


@pytest.mark.parametrize("body", [b"42", b'"isolate"', b"null", b'{"actions": 5}'])
def test_json_that_is_not_actions_is_400(bot: BotUnderTest, body: bytes) -> None:
    answer = bot.request("POST", "/api/v1/actions", body, {**AUTH, **JSON})
    assert answer.status == 400
    assert answer.json()["error"]


# --- 401 -----------------------------------------------------------------------------------------


WRONG_AUTHORIZATIONS = [
    None,
    "",
    "Bearer",
    "Bearer wrong-token",
    f"Basic {INGEST_TOKEN}",
    f"Bearer {INGEST_TOKEN}x",
]


def test_without_the_right_token_it_is_401_and_nothing_is_stored(bot: BotUnderTest) -> None:
    body = json.dumps(device_action("t")).encode()
    for authorization in WRONG_AUTHORIZATIONS:
        headers = dict(JSON)
        if authorization is not None:
            headers["Authorization"] = authorization
        answer = bot.request("POST", "/api/v1/actions", body, headers)
        assert answer.status == 401, authorization
        assert answer.headers["Www-Authenticate"].startswith("Bearer")
        assert INGEST_TOKEN not in answer.body.decode()
    assert count_actions(bot) == 0


def test_the_scheme_is_case_insensitive(bot: BotUnderTest) -> None:
    headers = {**JSON, "Authorization": f"bearer {INGEST_TOKEN}"}
    answer = bot.request(
        "POST", "/api/v1/actions", json.dumps(device_action("t")).encode(), headers
    )
    assert answer.status == 200


@pytest.fixture
def bot_without_token(database_url: str, slack_api: SlackApiStandIn) -> Iterator[BotUnderTest]:
    settings = bot_settings(database_url, slack_api, ACTIONBOT_INGEST_TOKEN=None)
    assert settings.ingest_token is None
    running = start_bot_under_test(settings, scheduler=False)
    yield running
    running.close()


def test_with_no_token_configured_every_request_is_401_saying_how_to_enable_it(
    bot_without_token: BotUnderTest,
) -> None:
    for headers in ({**AUTH, **JSON}, JSON, {**JSON, "Authorization": "Bearer "}):
        answer = bot_without_token.request(
            "POST", "/api/v1/actions", json.dumps(device_action("t")).encode(), headers
        )
        assert answer.status == 401
        assert "ACTIONBOT_INGEST_TOKEN" in answer.json()["error"]
        assert "disabled" in answer.json()["error"]
    status = bot_without_token.request(
        "POST", "/api/v1/actions/t/status", b'{"status": "completed"}', {**AUTH, **JSON}
    )
    assert status.status == 401
    assert count_actions(bot_without_token) == 0


# --- 413, 415, 405 -------------------------------------------------------------------------------


def test_a_body_over_one_mib_is_413_and_nothing_is_stored(bot: BotUnderTest) -> None:
    action = device_action("big", details={"blob": ""})
    overhead = len(json.dumps(action).encode())
    action["details"]["blob"] = "x" * (1024 * 1024 - overhead + 1)
    body = json.dumps(action).encode()
    assert len(body) == 1024 * 1024 + 1
    answer = bot.request("POST", "/api/v1/actions", body, {**AUTH, **JSON})
    assert answer.status == 413
    assert "1 MiB" in answer.json()["error"]
    assert count_actions(bot) == 0

    action["details"]["blob"] = "x" * (1024 * 1024 - overhead)
    assert send(bot, action).status == 200  # exactly 1 MiB is fine


def test_a_huge_declared_body_is_refused_before_it_is_sent(bot: BotUnderTest) -> None:
    """The answer comes back after the headers alone: the server never waits for 64 MiB."""
    host, port = bot.url.removeprefix("http://").split(":")
    head = (
        "POST /api/v1/actions HTTP/1.1\r\n"
        f"Host: {host}\r\nAuthorization: Bearer {INGEST_TOKEN}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {64 * 1024 * 1024}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(head.encode() + b"[")
        status_line = conn.recv(4096).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413")


NOT_SENT_AS_JSON: list[tuple[str | None, bytes]] = [
    ("text/plain", json.dumps(device_action("t")).encode()),
    ("application/x-www-form-urlencoded", b"id=t&type=isolate-device"),
    (None, json.dumps(device_action("t")).encode()),
]
SENT_AS_JSON_BUT_NOT_JSON: list[tuple[bytes, str]] = [
    (b"{not json", "line 1 column 2"),
    (b"", "line 1 column 1"),
    (b'{"id": "t"}\n{"id": "u"}', "line 2 column 1"),
    (b"\xff\xfe[]", "UTF-8"),
    (b"[" * 100_000, "nested too deeply"),
]


def test_a_body_not_sent_as_json_is_415(bot: BotUnderTest) -> None:
    for content_type, body in NOT_SENT_AS_JSON:
        headers = dict(AUTH)
        if content_type:
            headers["Content-Type"] = content_type
        answer = bot.request("POST", "/api/v1/actions", body, headers)
        assert answer.status == 415, (content_type, body[:40])
        assert "JSON" in answer.json()["error"]
    assert count_actions(bot) == 0


def test_a_body_sent_as_json_that_does_not_parse_is_400_saying_where(bot: BotUnderTest) -> None:
    for body, where in SENT_AS_JSON_BUT_NOT_JSON:
        answer = bot.request("POST", "/api/v1/actions", body, {**AUTH, **JSON})
        assert answer.status == 400, body[:40]
        assert where in answer.json()["error"], (body[:40], answer.json())
    assert count_actions(bot) == 0


def _raw_action(extra: str) -> bytes:
    return (
        '[{"id": "ok", "type": "isolate-device", "source": "manual-device-action",'
        ' "target": {"device_name": "WS-1"}},'
        ' {"id": "t", "source": "manual-device-action", "target": {"device_name": "WS-2"},'
        f" {extra}}}]"
    ).encode()


VALUES_NO_READER_KEEPS_AS_WRITTEN = [
    ('"type": "isolate-device", "details": {"x": NaN}', "details.x", "NaN"),
    ('"type": "isolate-device", "details": {"x": -Infinity}', "details.x", "-Infinity"),
    ('"type": "isolate-device", "details": {"x": 1e999}', "details.x", "out of range"),
    ('"type": "isolate-device", "details": {"n": ' + "7" * 5000 + "}", "details.n", "too long"),
    ('"type": "isolate-device", "type": "offboard-machine"', "(record)", "'type'"),
]


def test_values_no_reader_keeps_as_written_are_field_errors(bot: BotUnderTest) -> None:
    for extra, field, message in VALUES_NO_READER_KEEPS_AS_WRITTEN:
        answer = bot.request("POST", "/api/v1/actions", _raw_action(extra), {**AUTH, **JSON})
        assert answer.status == 400, extra[:60]
        errors = answer.json()["errors"]
        assert [(e["index"], e["field"]) for e in errors] == [(1, field)], errors
        assert message in errors[0]["message"]
    assert count_actions(bot) == 0


def test_a_json_media_type_with_parameters_or_a_suffix_is_json(bot: BotUnderTest) -> None:
    for content_type in ("application/json; charset=utf-8", "application/vnd.soar+json"):
        body = json.dumps(device_action(content_type)).encode()
        answer = bot.request(
            "POST", "/api/v1/actions", body, {**AUTH, "Content-Type": content_type}
        )
        assert answer.status == 200


def test_other_methods_are_405(bot: BotUnderTest) -> None:
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        answer = bot.request(method, "/api/v1/actions", None, AUTH)
        assert answer.status == 405
        assert answer.headers["Allow"] == "POST"


# --- concurrency ---------------------------------------------------------------------------------


def _all_at_once(count: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(n: int) -> None:
        barrier.wait()
        results[n] = work(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_senders_of_the_same_id_make_one_action(bot: BotUnderTest) -> None:
    answers = _all_at_once(8, lambda n: send(bot, device_action("same-id")))
    assert [a.status for a in answers] == [200] * 8
    assert {tuple(a.json()["ids"]) for a in answers} == {("A-1",)}
    assert sum(a.json()["new"] for a in answers) == 1
    assert count_actions(bot) == 1
    # The poster may already have posted its card ("posted"); one ingest and no update.
    assert [kind for kind in audit_kinds(bot) if kind != "posted"] == ["ingested"]


def test_concurrent_overlapping_batches_store_each_id_once(bot: BotUnderTest) -> None:
    ids = [f"shared-{i}" for i in range(40)]

    def batch(n: int) -> Any:
        mine = random.Random(n).sample(ids, 25)
        return mine, send(bot, [device_action(i) for i in mine])

    results = _all_at_once(8, batch)
    assert [answer.status for _, answer in results] == [200] * 8, [
        answer.body for _, answer in results
    ]
    short_ids: dict[str, set[str]] = {}
    for mine, answer in results:
        for upstream, short in zip(mine, answer.json()["ids"], strict=True):
            short_ids.setdefault(upstream, set()).add(short)
    assert all(len(shorts) == 1 for shorts in short_ids.values())
    assert count_actions(bot) == len(short_ids)
    assert audit_kinds(bot).count("ingested") == len(short_ids)


# --- logging -------------------------------------------------------------------------------------


def test_each_request_leaves_one_log_line_with_status_and_counts_and_never_the_token(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.web.api"):
        send(bot, [device_action("l-1"), device_action("l-2")])
        send(bot, device_action("l-1"))
        bot.request("POST", "/api/v1/actions", b"{}", {"Authorization": "Bearer guess", **JSON})
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.web.api"]
    assert len(lines) == 3
    assert lines[0].startswith("POST /api/v1/actions 200 new=2 updated=0 unchanged=0")
    assert lines[1].startswith("POST /api/v1/actions 200 new=0 updated=0 unchanged=1")
    assert lines[2].startswith("POST /api/v1/actions 401 wrong token")
    assert not any(
        INGEST_TOKEN in r.getMessage() or "guess" in r.getMessage() for r in caplog.records
    )
