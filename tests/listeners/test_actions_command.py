"""/actions over the wire: signed slash commands and clicks sent to the running bot, replies read
from the HTTP response (the ack), the response_url and the Web API stand-in."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.clock import utcnow
from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.services import roles as role_service
from bot.services.decide import Actor, decide
from tests.listeners.slash import (
    ANN,
    ask,
    buttons,
    click,
    finished,
    pending,
    person,
    reply,
    responses,
    send_command,
    store,
    text_of,
)
from tests.support.running_bot import BotUnderTest
from tests.support.slack_api import SlackApiStandIn

_ROW_ID = re.compile(r"^\*(A-\d+)\*")


def shown_ids(message: dict[str, Any]) -> list[str]:
    """The short ids of the listed rows, in order."""
    ids = []
    for block in message["blocks"]:
        text = block.get("text", {}).get("text", "") if block["type"] == "section" else ""
        if match := _ROW_ID.match(text):
            ids.append(match.group(1))
    return ids


@pytest.fixture
def ann(bot: BotUnderTest, slack_api: SlackApiStandIn) -> str:
    """A Security Reader: may see actions, may not decide them."""
    return person(slack_api, bot.db, ANN, Role.SECURITY_READER)


# --- help, whoami, usage -------------------------------------------------------------------------


def test_help_is_answered_in_the_ack_to_anyone(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    for text in ("help", ""):
        answer, _name = send_command(bot, slack_api, text, user="U0NOBODY01")
        assert answer.status == 200
        message = answer.json()
        assert message["response_type"] == "ephemeral"
        assert "/actions history [day|week|month|6months]" in text_of(message)
    assert slack_api.calls_to("users.info") == []
    assert slack_api.calls_to("response_url") == []


def test_whoami_shows_the_roles_resolved_now_and_what_they_allow(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    person(slack_api, bot.db, "U0SECADM01", Role.SECURITY_ADMINISTRATOR)
    said = text_of(ask(bot, slack_api, "whoami", user="U0SECADM01"))
    assert "Security Administrator" in said
    assert ":white_check_mark: You may see pending actions" in said
    assert ":white_check_mark: You may approve, reject and undo device actions" in said
    assert ":x: You may not approve, reject and undo email actions" in said
    assert "Search and Purge" in said

    role_service.grant(bot.db, "U0SECADM01", [Role.SEARCH_AND_PURGE], actor="test")
    said = text_of(ask(bot, slack_api, "whoami", user="U0SECADM01"))
    assert ":white_check_mark: You may approve, reject and undo email actions" in said


def test_whoami_answers_users_without_roles_and_explains_email_collaboration(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    person(slack_api, bot.db, "U0NOROLE01")
    said = text_of(ask(bot, slack_api, "whoami", user="U0NOROLE01"))
    assert "no roles" in said
    assert ":x: You may not see pending actions" in said
    person(slack_api, bot.db, "U0EMAILC01", Role.SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION)
    said = text_of(ask(bot, slack_api, "whoami", user="U0EMAILC01"))
    assert "Entra ID" in said
    assert ":x: You may not see pending actions" in said


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("histroy", "did you mean history?"),
        ("history sorce:explorer-action", "did you mean source:?"),
        ("history source:explorer", "did you mean explorer-action"),
        ("history fortnight", "unknown window 'fortnight'"),
        ('history source:"Automated device action', "unbalanced quotes"),
        ("undo A-1", "/actions undo is not available yet"),
        ("digest subscribe daily 09:00", "/actions digest is not available yet"),
    ],
)
def test_malformed_commands_get_a_short_usage_reply(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str, text: str, says: str
) -> None:
    message = ask(bot, slack_api, text)
    assert message["response_type"] == "ephemeral"
    assert says in text_of(message)
    assert "Usage: `/actions" in text_of(message)
    assert len(message["blocks"]) <= 3


# --- who may see ------------------------------------------------------------------------------


REFUSALS = [
    ("no roles", "U0NOROLE01", (), "T0ACTIONB0T", "You need Global Administrator or"),
    (
        "email collaboration only",
        "U0EMAILC01",
        (Role.SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION,),
        "T0ACTIONB0T",
        "must be assigned in Entra ID",
    ),
    ("other team", ANN, (Role.GLOBAL_ADMINISTRATOR,), "T0OUTSIDER1", "team T0OUTSIDER1 is not"),
]


@pytest.mark.parametrize(("case", "user", "roles", "team", "says"), REFUSALS)
def test_users_without_view_rights_are_refused_and_told_what_would_allow_it(
    bot: BotUnderTest,
    slack_api: SlackApiStandIn,
    case: str,
    user: str,
    roles: tuple[Role, ...],
    team: str,
    says: str,
) -> None:
    now = utcnow()
    store(bot.db, [pending("up-1"), finished("up-2", now - timedelta(hours=1))])
    person(slack_api, bot.db, user, *roles)
    for text in ("pending", "history 6months", "show up-1", "export", "columns id", "bogus"):
        said = text_of(ask(bot, slack_api, text, user=user, team=team))
        assert says in said, text
        assert "A-1" not in said
        assert "A-2" not in said
        assert "WS-0142" not in said
    assert slack_api.calls_to("files.getUploadURLExternal") == []
    assert slack_api.calls_to("conversations.open") == []


def test_a_user_slack_cannot_tell_about_is_refused_with_the_reason(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    said = text_of(ask(bot, slack_api, "history", user="U0UNKNOWN1"))
    assert "roles were not checked" in said
    assert "user_not_found" in said


def test_the_ack_comes_within_three_seconds_when_the_answer_is_slow(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    now = utcnow()
    store(bot.db, [finished(f"up-{i}", now - timedelta(minutes=i)) for i in range(2000)])
    slack_api.delays["users.info"] = 4.0
    started = time.monotonic()
    answer, name = send_command(bot, slack_api, "history 6months")
    acked = time.monotonic() - started
    assert answer.status == 200
    assert acked < 3.0
    message = reply(slack_api, name)
    assert time.monotonic() - started >= 4.0
    assert "*2,000* action(s)" in text_of(message)


# --- listings ----------------------------------------------------------------------------------


def test_pending_lists_pending_actions_oldest_first(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    now = utcnow()
    ids = store(
        bot.db,
        [
            pending("new", now - timedelta(minutes=5)),
            pending("old", now - timedelta(days=20)),
            finished("done", now - timedelta(minutes=1)),
        ],
    )
    message = ask(bot, slack_api, "pending")
    assert shown_ids(message) == [ids[1], ids[0]]
    assert "*2* action(s)" in text_of(message)
    assert "`/actions export pending`" in text_of(message)


def test_history_lists_finished_actions_newest_first_never_pending_ones(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    now = utcnow()
    ids = store(
        bot.db,
        [
            finished("older", now - timedelta(days=2)),
            finished("newer", now - timedelta(hours=2), status="failed"),
            pending("waiting", now - timedelta(hours=1)),
        ],
    )
    assert shown_ids(ask(bot, slack_api, "history")) == [ids[1], ids[0]]


WINDOWS = [
    (("day", "24h", "DAY"), timedelta(days=1)),
    (("week", "7d"), timedelta(days=7)),
    (("month", "30d"), timedelta(days=30)),
    (("6months", "180d"), timedelta(days=180)),
]


@pytest.mark.parametrize(("words", "length"), WINDOWS)
def test_each_window_takes_an_action_just_inside_and_leaves_one_just_outside(
    bot: BotUnderTest,
    slack_api: SlackApiStandIn,
    ann: str,
    words: tuple[str, ...],
    length: timedelta,
) -> None:
    now = utcnow()
    margin = timedelta(minutes=2)
    inside, _outside = store(
        bot.db,
        [finished("inside", now - length + margin), finished("outside", now - length - margin)],
    )
    for word in words:
        assert shown_ids(ask(bot, slack_api, f"history {word}")) == [inside], word


def test_history_defaults_to_a_week(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    now = utcnow()
    six_days, _eight_days = store(
        bot.db,
        [finished("6d", now - timedelta(days=6)), finished("8d", now - timedelta(days=8))],
    )
    message = ask(bot, slack_api, "history")
    assert shown_ids(message) == [six_days]
    assert "History · last week" in text_of(message)


FILTERS = [
    ("source:automated-device-action", {"a"}),
    ('source:"Manual device action"', {"b"}),
    ("SOURCE:Automated-Device-Action,explorer-action", {"a", "d"}),
    ("source:automated-device-action source:explorer-action", {"a", "d"}),
    ("type:isolate-device", {"a"}),
    ('type:"Soft delete email"', {"c"}),
    ("type:isolate-device,restrict-code-execution", {"a", "d"}),
    ("status:failed,rejected", {"b", "c"}),
    ("status:COMPLETED", {"a"}),
    ("status:failed status:cancelled", {"b", "d"}),
    ("device:ws-1", {"a"}),
    ("device:WS-2", {"b"}),
    ('device:"my laptop"', {"d"}),
    ('device:ws-1,"My Laptop"', {"a", "d"}),
    ("type:isolate-device,run-antivirus-scan status:failed", {"b"}),
    ("source:explorer-action device:ws-1", set()),
]


def test_each_filter(bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str) -> None:
    now = utcnow() - timedelta(hours=1)
    ids = store(
        bot.db,
        [
            finished("a", now, device="WS-1"),
            finished(
                "b",
                now,
                status="failed",
                type_="run-antivirus-scan",
                source="manual-device-action",
                device="ws-2",
            ),
            finished("c", now, status="rejected", type_="soft-delete-email",
                     source="automated-email-action"),
            finished("d", now, status="cancelled", type_="restrict-code-execution",
                     source="explorer-action", device="My Laptop"),
        ],
    )  # fmt: skip
    short = dict(zip("abcd", ids, strict=True))
    for filters, expected in FILTERS:
        message = ask(bot, slack_api, f"history day {filters}")
        assert set(shown_ids(message)) == {short[k] for k in expected}, filters


def test_pending_takes_filters_too(bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str) -> None:
    ids = store(
        bot.db,
        [
            pending("p1", source="explorer-action"),
            pending("p2", target={"device_name": "WS-9"}),
        ],
    )
    assert shown_ids(ask(bot, slack_api, 'pending source:"Explorer action"')) == [ids[0]]
    assert shown_ids(ask(bot, slack_api, "pending device:ws-9")) == [ids[1]]


# --- paging ------------------------------------------------------------------------------------


def test_paging_through_a_listing_with_the_buttons(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    now = utcnow()
    ids = store(bot.db, [finished(f"up-{i}", now - timedelta(minutes=i + 1)) for i in range(45)])
    first = ask(bot, slack_api, "history source:automated-device-action")
    assert shown_ids(first) == ids[:20]
    assert "*45* action(s) · showing 1 to 20" in text_of(first)
    assert list(buttons(first)) == ["Next"]

    answer, name = click(bot, slack_api, buttons(first)["Next"])
    assert answer.status == 200
    second = reply(slack_api, name)
    assert second["replace_original"] is True
    assert shown_ids(second) == ids[20:40]
    assert list(buttons(second)) == ["Previous", "Next"]

    _, name = click(bot, slack_api, buttons(second)["Next"])
    third = reply(slack_api, name)
    assert shown_ids(third) == ids[40:]
    assert "showing 41 to 45" in text_of(third)
    assert list(buttons(third)) == ["Previous"]

    _, name = click(bot, slack_api, buttons(third)["Previous"])
    assert shown_ids(reply(slack_api, name)) == ids[20:40]


def test_pages_stay_consistent_while_actions_are_decided(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    now = utcnow()
    ids = store(bot.db, [finished(f"up-{i}", now - timedelta(minutes=i + 1)) for i in range(25)])
    first = ask(bot, slack_api, "history")
    store(bot.db, [finished("later", utcnow())])  # decided after the first page was shown
    _, name = click(bot, slack_api, buttons(first)["Next"])
    assert shown_ids(reply(slack_api, name)) == ids[20:]


def test_a_click_is_authorized_again_and_the_button_grants_nothing(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    now = utcnow()
    store(bot.db, [finished(f"up-{i}", now - timedelta(minutes=i + 1)) for i in range(25)])
    next_button = buttons(ask(bot, slack_api, "history"))["Next"]

    person(slack_api, bot.db, "U0NOROLE01")
    _, name = click(bot, slack_api, next_button, user="U0NOROLE01")
    said = text_of(reply(slack_api, name))
    assert "You need" in said
    assert "A-" not in said

    _, name = click(bot, slack_api, next_button, team="T0OUTSIDER1")
    assert "not allowed" in text_of(reply(slack_api, name))

    role_service.revoke(bot.db, "U0ANN00001@example.com", [Role.SECURITY_READER], actor="test")
    _, name = click(bot, slack_api, next_button)
    assert "You need" in text_of(reply(slack_api, name))


def test_a_forged_button_value_changes_nothing(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    button = {"action_id": "actionbot.listing.next", "text": {"type": "plain_text", "text": "Next"},
              "value": '{"p": 0, "w": "forever"}'}  # fmt: skip
    _, name = click(bot, slack_api, button)
    assert "this button no longer works" in text_of(reply(slack_api, name))


# --- show --------------------------------------------------------------------------------------


def test_show_tells_everything_known_and_the_timeline(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    (short,) = store(
        bot.db,
        [
            pending(
                "MDE-7f3a",
                investigation_id="inv-42",
                requested_by="automation@contoso.example",
                details={"reason": "ransomware behaviour"},
                target={"device_name": "WS-0142", "machine_id": "ab" * 20},
            )
        ],
    )
    approver = Actor("U0APPROVE1", "boss@example.com", frozenset({Role.SECURITY_ADMINISTRATOR}))
    decide(bot.db, "MDE-7f3a", Status.APPROVED, approver, comment="go ahead")
    for ref in ("MDE-7f3a", short, short.lower()):
        said = text_of(ask(bot, slack_api, f"show {ref}"))
        assert f"{short} · Isolate device" in said
        for fact in ("*approved*", "Automated device action", "`MDE-7f3a`", "inv-42",
                     "automation@contoso.example", "ransomware behaviour", "WS-0142", "ab" * 20,
                     "<@U0APPROVE1>", "go ahead"):  # fmt: skip
            assert fact in said, fact
        timeline = said[said.index("*Timeline*") :]
        assert "*ingested* by test" in timeline
        assert "*approved* by <@U0APPROVE1> as Security Administrator" in timeline
        assert "pending → approved" in timeline


def test_show_matches_an_exact_upstream_id_before_a_short_id(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    first, second = store(
        bot.db, [pending("one", type="run-antivirus-scan"), pending("A-1", type="offboard-machine")]
    )
    assert first == "A-1"
    assert f"{second} · Offboard machine" in text_of(ask(bot, slack_api, "show A-1"))
    assert "No action has the ID A-999" in text_of(ask(bot, slack_api, "show A-999"))


# --- columns -----------------------------------------------------------------------------------


def test_columns_are_kept_across_a_restart_and_used_by_listings(
    database_url: str, slack_api: SlackApiStandIn
) -> None:
    from tests.support.running_bot import bot_settings, start_bot_under_test

    first = start_bot_under_test(bot_settings(database_url, slack_api), scheduler=False)
    try:
        person(slack_api, first.db, ANN, Role.SECURITY_READER)
        store(first.db, [finished("up-1", utcnow() - timedelta(hours=1))])
        said = text_of(ask(first, slack_api, "columns status id"))
        assert "Your columns are now: `status`, `id`." in said
    finally:
        first.close()
    second = start_bot_under_test(bot_settings(database_url, slack_api), scheduler=False)
    try:
        assert "Your columns are: `status`, `id`." in text_of(ask(second, slack_api, "columns"))
        row = ask(second, slack_api, "history")["blocks"][1]["text"]["text"]
        assert row == "_completed_ · *A-1*"
        said = text_of(ask(second, slack_api, "columns reset"))
        assert "(the default)" in said
        row = ask(second, slack_api, "history")["blocks"][1]["text"]["text"]
        assert row.startswith("*A-1* · Isolate device · Automated device action · _completed_")
    finally:
        second.close()


def test_columns_are_each_users_own(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    person(slack_api, bot.db, "U0BOB00001", Role.SECURITY_READER)
    ask(bot, slack_api, "columns id")
    said = text_of(ask(bot, slack_api, "columns", user="U0BOB00001"))
    assert "(the default)" in said


# --- export ------------------------------------------------------------------------------------


def test_export_sends_the_csv_in_a_direct_message_in_the_users_columns(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    now = utcnow()
    store(
        bot.db,
        [
            pending("hostile", target={"device_name": '+cmd|" /C calc"!A0, "x"\nline two'}),
            finished("fine", now - timedelta(hours=3)),
            finished("too-old", now - timedelta(days=40)),
            pending("still-pending"),
        ],
    )
    boss = Actor("U0APPROVE1", None, frozenset({Role.GLOBAL_ADMINISTRATOR}))
    decide(bot.db, "hostile", Status.REJECTED, boss, comment='=HYPERLINK("http://evil")')
    ask(bot, slack_api, "columns id target comment status decided-by")

    answer, name = send_command(bot, slack_api, "export month")
    assert answer.status == 200
    started, done = responses(slack_api, name, count=2)
    assert "Preparing your export (`export month`)" in text_of(started)
    assert "Your export of 2 action(s) has arrived in your direct messages" in text_of(done)

    (opened,) = slack_api.calls_to("conversations.open")
    assert opened.params["users"] == ANN
    (ticket,) = slack_api.calls_to("files.getUploadURLExternal")
    (complete,) = slack_api.calls_to("files.completeUploadExternal")
    dm = "D0" + ANN[:9]
    assert complete.params["channel_id"] == dm
    assert "channels" not in complete.params
    (shared,) = json.loads(complete.params["files"])
    content = slack_api.uploads[shared["id"]]
    assert int(ticket.params["length"]) == len(content)
    assert ticket.params["filename"].startswith("actionbot-history-month-")
    order = [c.method for c in slack_api.calls if c.method.startswith(("files.", "file_"))]
    assert order == ["files.getUploadURLExternal", "file_upload", "files.completeUploadExternal"]

    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows == [
        ["id", "target", "comment", "status", "decided-by"],
        ["A-1", '\'+cmd|" /C calc"!A0, "x"\nline two', '\'=HYPERLINK("http://evil")', "rejected",
         "U0APPROVE1"],
        ["A-2", "WS-0142", "", "completed", ""],
    ]  # fmt: skip


def test_export_of_pending_and_with_filters(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    store(bot.db, [pending("p1", source="explorer-action"), pending("p2")])
    _, name = send_command(bot, slack_api, 'export pending source:"Explorer action"')
    responses(slack_api, name, count=2)
    (content,) = slack_api.uploads.values()
    lines = content.decode().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("A-1,isolate-device,explorer-action,pending")


def test_an_export_that_cannot_be_delivered_says_so(
    bot: BotUnderTest, slack_api: SlackApiStandIn, ann: str
) -> None:
    store(bot.db, [finished("up-1", utcnow() - timedelta(hours=1))])
    slack_api.fail_next("files.getUploadURLExternal", status=200, error="not_allowed_token_type")
    _, name = send_command(bot, slack_api, "export")
    _, failed = responses(slack_api, name, count=2)
    said = text_of(failed)
    assert "could not be delivered" in said
    assert "not_allowed_token_type" in said
    assert slack_api.calls_to("files.completeUploadExternal") == []
