"""An attacker's requests to /slack/events, over HTTP to the running bot: nothing that Slack did not
sign makes the bot call anything (no Web API method, no response_url), and nothing signed but of a
shape Slack would not send gets a 5xx or a traceback."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ids import ActionId, CallbackId
from tests.listeners.clicks import button_click, reject_submission
from tests.support.running_bot import CHANNEL, SIGNING_SECRET, BotUnderTest
from tests.support.signing import signature, signed_headers
from tests.support.slack_api import SlackApiStandIn

ANN = "U0ANN00001"


def _after_start(slack: SlackApiStandIn) -> list[str]:
    """What the bot called besides its start-up auth.test."""
    return [c.method for c in slack.calls if c.method != "auth.test"]


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert all(r.levelno < logging.ERROR for r in caplog.records)


def _ssrf_payload(slack: SlackApiStandIn) -> bytes:
    payload = {
        "type": "block_actions",
        "response_url": f"{slack.url}/internal/admin",
        "actions": [{"action_id": "x"}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def _command_form() -> bytes:
    fields = {"command": "/actions", "text": "pending", "user_id": ANN, "channel_id": CHANNEL}
    return urlencode(fields).encode()


@pytest.mark.parametrize(
    "timestamp",
    ["now", "1.5", "", " 1700000000", "-1", "1e9", "0x6553f100", "99999999999999999999"],
)
def test_a_malformed_timestamp_is_401_and_the_bot_calls_nothing(
    bot: BotUnderTest,
    slack_api: SlackApiStandIn,
    caplog: pytest.LogCaptureFixture,
    timestamp: str,
) -> None:
    for body in (_ssrf_payload(slack_api), _command_form()):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature(SIGNING_SECRET, timestamp, body),
        }
        assert bot.request("POST", "/slack/events", body, headers).status == 401
    time.sleep(0.3)  # time for any work after an ack to show itself
    assert _after_start(slack_api) == []
    _no_tracebacks(caplog)


def test_missing_headers_a_wrong_secret_and_a_stale_timestamp_are_401(
    bot: BotUnderTest, slack_api: SlackApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    body = _ssrf_payload(slack_api)
    stale = int(time.time()) - 301
    attempts = [
        {"Content-Type": "application/x-www-form-urlencoded"},
        signed_headers("not-the-secret", body),
        signed_headers(SIGNING_SECRET, body, timestamp=stale),
        signed_headers(SIGNING_SECRET, body, timestamp=int(time.time()) + 301),
        {**signed_headers(SIGNING_SECRET, body), "X-Slack-Signature": "v1=" + "0" * 64},
        {**signed_headers(SIGNING_SECRET, body), "X-Slack-Signature": ""},
    ]
    for headers in attempts:
        assert bot.request("POST", "/slack/events", body, headers).status == 401, headers
    time.sleep(0.3)
    assert _after_start(slack_api) == []
    _no_tracebacks(caplog)


@pytest.mark.parametrize(
    "body",
    [b"payload=notjson", b"payload=%7B", b"payload=[]", b"payload=" + b"x" * 1_000_000, b"\xff"],
)
def test_unsigned_bodies_that_do_not_parse_are_401_without_a_traceback(
    bot: BotUnderTest, slack_api: SlackApiStandIn, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": "now",
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    with caplog.at_level(logging.WARNING):
        assert bot.request("POST", "/slack/events", body, headers).status == 401
    assert _after_start(slack_api) == []
    _no_tracebacks(caplog)
    assert len([r for r in caplog.records if r.name.startswith("bot.")]) == 1


def test_a_body_over_the_limit_is_refused_before_it_is_read(bot: BotUnderTest) -> None:
    body = b"payload=" + b"x" * (1024 * 1024)
    assert bot.request("POST", "/slack/events", body, signed_headers("x", body)).status == 413


def test_only_post_reaches_the_slack_path(bot: BotUnderTest) -> None:
    assert bot.request("GET", "/slack/events").status == 405


@pytest.mark.parametrize(
    "body",
    [b"payload=notjson", b"payload=%7B", b"payload=[]", b"payload=42", b"{broken", b"[1]"],
)
def test_signed_bodies_that_do_not_parse_are_400(
    bot: BotUnderTest, slack_api: SlackApiStandIn, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    answer = bot.request("POST", "/slack/events", body, signed_headers(SIGNING_SECRET, body))
    assert answer.status == 400
    assert _after_start(slack_api) == []
    _no_tracebacks(caplog)


def _odd_clicks(slack: SlackApiStandIn) -> list[dict[str, object]]:
    def click(**changes: object) -> dict[str, object]:
        body = button_click(ActionId.APPROVE, "A-1", user=ANN, response_url=slack.response_url())
        body.update(changes)
        return body

    numbered_user = click()
    numbered_user["user"] = {"id": 12345, "team_id": "T0ACTIONB0T"}
    numbered_view = reject_submission("A-1", "why", user=ANN)
    numbered_view["view"]["callback_id"] = 7
    no_view = reject_submission("A-1", "why", user=ANN)
    del no_view["view"]
    return [
        click(actions=[]),
        click(actions=None),
        click(actions=[{"value": "A-1"}]),
        click(actions=["A-1"]),
        click(user="U0ANN00001"),
        numbered_user,
        numbered_view,
        no_view,
        {"type": "shortcut", "callback_id": 5, "user": {"id": ANN}},
        {"type": "block_actions"},
        {"no": "type"},
    ]


def test_signed_payloads_of_shapes_slack_would_not_send_get_400_and_nothing_else(
    bot: BotUnderTest, slack_api: SlackApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    for payload in _odd_clicks(slack_api):
        answer = bot.send_interaction(payload)
        assert answer.status == 400, payload
    command = urlencode({"command": "/actions", "text": "pending"}).encode()  # no user_id
    no_user = bot.request("POST", "/slack/events", command, signed_headers(SIGNING_SECRET, command))
    assert no_user.status == 400
    time.sleep(0.3)
    assert _after_start(slack_api) == []
    _no_tracebacks(caplog)


def test_a_well_formed_unknown_button_still_gets_its_polite_answer(
    bot: BotUnderTest, slack_api: SlackApiStandIn
) -> None:
    answer = bot.send_interaction(button_click(ActionId.APPROVE, "A-999", user=ANN))
    assert answer.status == 200
    slack_api.wait_for("chat.postEphemeral")


def test_a_view_of_another_callback_is_not_an_error(bot: BotUnderTest) -> None:
    submission = reject_submission("A-1", "why", user=ANN)
    submission["view"]["callback_id"] = str(CallbackId.REJECT_REASON) + ".other"
    assert bot.send_interaction(submission).status in (200, 404)


_HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    timestamp=st.one_of(
        st.none(), _HEADER_TEXT, st.integers(0, 2**40).map(str), st.just(str(int(time.time())))
    ),
    signature_text=st.one_of(
        st.none(), _HEADER_TEXT, st.text("0123456789abcdef", min_size=64, max_size=64)
    ),
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: ("payload=" + quote(t)).encode()),
        st.just(b"command=%2Factions&user_id=U1&channel_id=C1&response_url=http%3A%2F%2Fx"),
    ),
    content_type=st.sampled_from(
        [None, "application/json", "application/x-www-form-urlencoded", "text/plain"]
    ),
)
def test_no_unsigned_request_ever_makes_the_bot_call_out(
    bot: BotUnderTest,
    slack_api: SlackApiStandIn,
    timestamp: str | None,
    signature_text: str | None,
    body: bytes,
    content_type: str | None,
) -> None:
    headers = {}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    if signature_text is not None:
        headers["X-Slack-Signature"] = (
            "v0=" + signature_text if len(signature_text) == 64 else signature_text
        )
    if content_type is not None:
        headers["Content-Type"] = content_type
    answer = bot.request("POST", "/slack/events", body, headers)
    assert answer.status == 401
    assert _after_start(slack_api) == []
