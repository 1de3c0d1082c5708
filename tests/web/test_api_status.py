"""POST /api/v1/actions/{id}/status over real HTTP: the executing system reports progress."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest

from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.services.decide import Actor, Decided, decide
from storage.repositories import ActionRepository, AuditRepository
from tests.support.running_bot import BotUnderTest, bot_settings, start_bot_under_test
from tests.support.slack_api import SlackApiStandIn
from tests.web.api_helpers import (
    AUTH,
    JSON,
    device_action,
    mark_posted,
    post_json,
    post_state,
    report,
    send,
)

ADMIN = Actor("U0ADMIN", "admin@example.com", frozenset({Role.SECURITY_ADMINISTRATOR}))


def pending(bot: BotUnderTest, upstream_id: str = "mde-1") -> str:
    answer = send(bot, device_action(upstream_id))
    assert answer.status == 200
    return str(answer.json()["ids"][0])


def approved(bot: BotUnderTest, upstream_id: str = "mde-1") -> str:
    short_id = pending(bot, upstream_id)
    assert isinstance(decide(bot.db, short_id, Status.APPROVED, ADMIN), Decided)
    return short_id


def stored(bot: BotUnderTest, ref: str) -> Any:
    with bot.db.read() as session:
        return ActionRepository(session).find(ref)


def test_an_approved_action_goes_in_progress_then_completed(bot: BotUnderTest) -> None:
    short_id = approved(bot)
    started = report(bot, "mde-1", "in-progress", "isolation requested")
    assert started.status == 200
    assert started.json() == {
        "id": "mde-1",
        "short_id": short_id,
        "status": "in-progress",
        "changed": True,
    }
    done = report(bot, short_id, "completed", "device isolated")
    assert done.json()["status"] == "completed"
    action = stored(bot, "mde-1")
    assert action.status is Status.COMPLETED
    assert action.status_detail == "device isolated"
    assert action.decided_by == ADMIN.user_id  # a report never rewrites who decided
    with bot.db.read() as session:
        trail = AuditRepository(session).trail(action.pk)
    reports = [
        (e.kind, e.status_before, e.status_after, e.actor)
        for e in trail
        if e.kind != "posted"  # the card may go out at any moment (the ingest wakes the poster)
    ][-2:]
    assert reports == [
        ("status-reported", "approved", "in-progress", "api"),
        ("status-reported", "in-progress", "completed", "api"),
    ]


@pytest.mark.parametrize("final", ["completed", "failed", "cancelled"])
def test_a_final_status_may_be_reported_straight_from_approved(
    bot: BotUnderTest, final: str
) -> None:
    approved(bot)
    assert report(bot, "mde-1", final).json()["status"] == final


def test_the_same_status_again_is_200_and_changes_nothing(bot: BotUnderTest) -> None:
    approved(bot)
    report(bot, "mde-1", "completed", "first")
    again = report(bot, "mde-1", "completed", "second")
    assert again.status == 200
    assert again.json()["changed"] is False
    assert stored(bot, "mde-1").status_detail == "first"


def test_a_posted_card_is_marked_for_updating(bot: BotUnderTest) -> None:
    short_id = approved(bot)
    mark_posted(bot, short_id)  # as the poster leaves it after updating the card on approval
    report(bot, short_id, "in-progress")
    assert post_state(bot, short_id) == "update-due"


def test_an_unposted_approved_action_does_not_suddenly_owe_a_card(
    database_url: str, slack_api: SlackApiStandIn
) -> None:
    # Without a channel no card is posted, however soon the poster wakes after the ingest.
    bot = start_bot_under_test(bot_settings(database_url, slack_api, ACTIONBOT_CHANNEL=""))
    try:
        short_id = approved(bot)
        assert post_state(bot, short_id) == "not-needed"
        report(bot, short_id, "completed")
        assert post_state(bot, short_id) == "not-needed"
    finally:
        bot.close()


def test_an_upstream_id_is_matched_before_a_short_id(bot: BotUnderTest) -> None:
    first = approved(bot, "mde-1")
    approved(bot, first)  # an action whose upstream id is "A-1" (short id A-2)
    answer = report(bot, "A-1", "completed")
    assert answer.json()["id"] == "A-1"
    assert answer.json()["short_id"] == "A-2"
    assert stored(bot, "mde-1").status is Status.APPROVED


def test_an_id_with_a_slash_and_non_ascii_can_be_named_percent_encoded(bot: BotUnderTest) -> None:
    approved(bot, "da/é-1")
    answer = report(bot, "da%2F%C3%A9-1", "completed")
    assert answer.status == 200
    assert answer.json()["id"] == "da/é-1"


@pytest.mark.parametrize(
    ("setup", "wanted", "reason"),
    [
        ("pending", "completed", "still pending"),
        ("rejected", "in-progress", "rejected by U0ADMIN"),
        ("completed", "in-progress", "already completed"),
        ("failed", "completed", "already failed"),
        ("in-progress", "in-progress", None),
    ],
)
def test_a_report_the_status_does_not_allow_is_409_with_the_reason(
    bot: BotUnderTest, setup: str, wanted: str, reason: str | None
) -> None:
    short_id = pending(bot)
    if setup == "rejected":
        decide(bot.db, short_id, Status.REJECTED, ADMIN, comment="false positive")
    elif setup != "pending":
        decide(bot.db, short_id, Status.APPROVED, ADMIN)
        report(bot, short_id, setup)
    answer = report(bot, short_id, wanted)
    if reason is None:  # the same status again
        assert answer.status == 200
        return
    assert answer.status == 409
    assert reason in answer.json()["error"]
    assert answer.json()["status"] == setup
    assert stored(bot, short_id).status.value == setup


def test_an_unknown_id_is_404(bot: BotUnderTest) -> None:
    for ref in ("no-such-action", "A-99", "%00", "x" * 201):
        answer = report(bot, ref, "completed")
        assert answer.status == 404, ref
        assert answer.json()["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "approved"}, "status"),
        ({"status": "done"}, "status"),
        ({}, "status"),
        ({"status": "completed", "detail": 5}, "detail"),
        ({"status": "completed", "detail": "x" * 2001}, "detail"),
        ({"status": "completed", "extra": 1}, "extra"),
        (["completed"], "(body)"),
    ],
)
def test_an_invalid_report_is_400_naming_the_field(
    bot: BotUnderTest, body: Any, field: str
) -> None:
    approved(bot)
    answer = post_json(bot, "/api/v1/actions/mde-1/status", body)
    assert answer.status == 400
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert stored(bot, "mde-1").status is Status.APPROVED


def test_the_status_endpoint_wants_the_token_and_json(bot: BotUnderTest) -> None:
    approved(bot)
    path = "/api/v1/actions/mde-1/status"
    assert bot.request("POST", path, b'{"status": "completed"}', JSON).status == 401
    assert bot.request("POST", path, b"completed", {**AUTH, **JSON}).status == 400
    assert bot.request("POST", path, b'{"status": "failed"}', AUTH).status == 415
    twice = b'{"status": "failed", "status": "completed"}'
    answer = bot.request("POST", path, twice, {**AUTH, **JSON})
    assert answer.status == 400
    assert "'status' more than once" in answer.json()["errors"][0]["message"]
    assert bot.request("GET", path, None, AUTH).status == 405
    assert stored(bot, "mde-1").status is Status.APPROVED


def test_racing_reports_apply_exactly_one_final_status(bot: BotUnderTest) -> None:
    short_id = approved(bot)
    wanted = ["completed", "failed", "cancelled"] * 4
    barrier = threading.Barrier(len(wanted))
    answers: list[Any] = [None] * len(wanted)

    def send_report(n: int) -> None:
        barrier.wait()
        answers[n] = report(bot, short_id, wanted[n])

    threads = [threading.Thread(target=send_report, args=(n,)) for n in range(len(wanted))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    final = stored(bot, short_id).status.value
    for status_sent, answer in zip(wanted, answers, strict=True):
        if status_sent == final:
            assert answer.status == 200
        else:
            assert answer.status == 409
            assert answer.json()["status"] == final
    changed = Counter(a.json().get("changed") for a in answers if a.status == 200)
    assert changed[True] == 1
    with bot.db.read() as session:
        trail = AuditRepository(session).trail(int(short_id.removeprefix("A-")))
    assert [e.kind for e in trail].count("status-reported") == 1
