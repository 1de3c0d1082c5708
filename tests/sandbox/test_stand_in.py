"""The Slack stand-in on its own: Slack's signature, who sees what (ephemeral replies, threads,
response_url replacements) and other channels, without a bot."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from slack_sdk.signature import SignatureVerifier

from sandbox.slack import SlackStandIn, sign

GRACE, NOAH = "U0GLOBAL001", "U0NOROLE001"
CHANNEL = "C0ACTIONS01"


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn(signing_secret="s3cr3t").listen("127.0.0.1", 0)
    stand_in.serve_in_background()
    yield stand_in
    stand_in.close()


def test_requests_are_signed_as_slack_signs_them() -> None:
    body = b"payload=%7B%7D"
    timestamp = str(int(time.time()))
    headers = {
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": sign("k", timestamp, body),
    }
    assert SignatureVerifier("k").is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)


def test_an_ephemeral_message_is_shown_only_to_its_person(slack: SlackStandIn) -> None:
    slack.web_api("chat.postMessage", {"channel": CHANNEL, "text": "a card for everyone"})
    slack.web_api("chat.postEphemeral", {"channel": CHANNEL, "user": NOAH, "text": "only Noah"})
    for_noah = slack.state(NOAH, CHANNEL)["messages"]
    for_grace = slack.state(GRACE, CHANNEL)["messages"]
    assert "a card for everyone" in for_noah
    assert "a card for everyone" in for_grace
    assert "only Noah" in for_noah
    assert "Only visible to you" in for_noah
    assert "only Noah" not in for_grace


def test_an_update_changes_the_message_in_place_and_a_thread_reply_nests(
    slack: SlackStandIn,
) -> None:
    posted = slack.web_api("chat.postMessage", {"channel": CHANNEL, "text": "pending"})
    slack.web_api("chat.update", {"channel": CHANNEL, "ts": posted["ts"], "text": "approved"})
    slack.web_api(
        "chat.postMessage", {"channel": CHANNEL, "text": "a reminder", "thread_ts": posted["ts"]}
    )
    html = slack.state(GRACE, CHANNEL)["messages"]
    assert "pending" not in html
    assert html.count('class="message"') == 2
    assert html.index("approved") < html.index('class="thread"') < html.index("a reminder")


def test_a_response_url_reply_replaces_the_message_that_was_clicked(slack: SlackStandIn) -> None:
    url = slack._reply_token(GRACE, CHANNEL, None)
    slack.response_url(url.rsplit("/", 1)[1], {"text": "page 1", "response_type": "ephemeral"})
    message = slack.messages[-1]
    again = slack._reply_token(GRACE, CHANNEL, message.id)
    slack.response_url(again.rsplit("/", 1)[1], {"text": "page 2", "replace_original": True})
    html = slack.state(GRACE, CHANNEL)["messages"]
    assert "page 2" in html
    assert "page 1" not in html
    assert slack.state(NOAH, CHANNEL)["messages"] == ""


def test_a_message_to_a_user_id_lands_in_their_dm(slack: SlackStandIn) -> None:
    slack.web_api("chat.postMessage", {"channel": GRACE, "text": "just for you"})
    assert "just for you" in slack.state(GRACE, "D0GLOBAL001")["messages"]
    assert slack.state(GRACE, CHANNEL)["messages"] == ""


def test_other_channels_the_bot_posts_to_are_listed(slack: SlackStandIn) -> None:
    slack.web_api("chat.postMessage", {"channel": "C0DIGEST001", "text": "weekly digest"})
    assert slack.state(GRACE, CHANNEL)["channels"] == ["C0DIGEST001"]
    assert "weekly digest" in slack.state(GRACE, "C0DIGEST001")["messages"]


def test_users_info_gives_email_and_the_external_users_own_team(slack: SlackStandIn) -> None:
    grace = slack.web_api("users.info", {"user": GRACE})["user"]
    external = slack.web_api("users.info", {"user": "U0EXTERN001"})["user"]
    assert grace["profile"]["email"] == "grace@contoso.example"
    assert external["team_id"] != grace["team_id"]
    assert slack.web_api("users.info", {"user": "U0NOBODY000"})["error"] == "user_not_found"
