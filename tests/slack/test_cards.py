"""The card is pure: an action in, Block Kit out, checked against Slack's limits by slack_sdk."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.domain.catalog import ActionSource, ActionType
from bot.domain.records import ActionRecord
from bot.domain.statuses import Status
from bot.ids import ActionId
from bot.views.cards import NOT_CARRIED_OUT, render_action_card

ARRIVED = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
PENDING = ActionRecord(
    pk=1042,
    upstream_id="up-1",
    type=ActionType.ISOLATE_DEVICE,
    source=ActionSource.AUTOMATED_DEVICE_ACTION,
    status=Status.PENDING,
    created_at=ARRIVED,
    updated_at=ARRIVED,
    target={"device_name": "WS-0142"},
    investigation_id="INV-7",
)


def _texts(blocks: list[dict[str, object]]) -> str:
    return repr(blocks)


def _buttons(blocks: list[dict[str, object]]) -> list[dict[str, object]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]  # type: ignore[attr-defined]


def test_a_pending_card_shows_the_action_and_two_buttons() -> None:
    card = render_action_card(PENDING, carried_out_automatically=False)
    blocks = card.blocks_json()
    text = _texts(blocks)
    for shown in ("Isolate device", "WS-0142", "Automated device action", "INV-7", "A-1042"):
        assert shown in text
    assert "<!date^1795766400^{date_short_pretty} {time}|2026-11-27 08:00 UTC>" in text
    buttons = _buttons(blocks)
    assert [b["text"]["text"] for b in buttons] == ["Approve", "Reject"]  # type: ignore[index]
    assert [b["action_id"] for b in buttons] == [ActionId.APPROVE, ActionId.REJECT]
    assert [b["value"] for b in buttons] == ["A-1042", "A-1042"]
    assert "confirm" not in buttons[0]


@pytest.mark.parametrize(
    "kind",
    [ActionType.OFFBOARD_MACHINE, ActionType.STOP_AND_QUARANTINE, ActionType.HARD_DELETE_EMAIL],
)
def test_irreversible_types_ask_for_confirmation_before_approval(kind: ActionType) -> None:
    action = replace(PENDING, type=kind, target={"device_name": "WS-1", "sha1": "a" * 40})
    approve, reject = _buttons(
        render_action_card(action, carried_out_automatically=False).blocks_json()
    )
    assert approve["confirm"]["confirm"]["text"] == "Approve"  # type: ignore[index]
    assert "confirm" not in reject


@pytest.mark.parametrize("status", list(Status))
def test_every_status_renders_within_slacks_limits(status: Status) -> None:
    action = replace(
        PENDING,
        status=status,
        decided_by="U0ANN00001" if status is not Status.PENDING else None,
        decided_at=ARRIVED if status is not Status.PENDING else None,
        comment="x" * 5000,
        status_detail="y" * 5000,
        target={"device_name": "D" * 255, "file_path": "p" * 1000, "url": "u" * 2000},
    )
    blocks = render_action_card(action, carried_out_automatically=False).blocks_json()
    assert bool(_buttons(blocks)) == (status is Status.PENDING)


def test_after_approval_the_card_says_who_when_and_that_nothing_ran() -> None:
    approved = replace(PENDING, status=Status.APPROVED, decided_by="U0ANN00001", decided_at=ARRIVED)
    text = _texts(render_action_card(approved, carried_out_automatically=False).blocks_json())
    assert "Approved by <@U0ANN00001> <!date^1795766400^" in text
    assert NOT_CARRIED_OUT in text
    automatic = render_action_card(approved, carried_out_automatically=True).blocks_json()
    assert NOT_CARRIED_OUT not in _texts(automatic)


def test_text_from_upstream_cannot_mention_or_link() -> None:
    action = replace(PENDING, target={"device_name": "<!channel> <https://evil|click> & co"})
    card = render_action_card(action, carried_out_automatically=False)
    text = _texts(card.blocks_json()) + card.text
    assert "<!channel>" not in text
    assert "&lt;!channel&gt; &lt;https://evil|click&gt; &amp; co" in text


def test_the_card_names_who_may_decide_in_plain_english() -> None:
    email = replace(
        PENDING,
        type=ActionType.SOFT_DELETE_EMAIL,
        target={"network_message_id": "nmid-1", "recipient": "bob@example.com"},
    )
    device_text = _texts(render_action_card(PENDING, carried_out_automatically=False).blocks_json())
    email_text = _texts(render_action_card(email, carried_out_automatically=False).blocks_json())
    assert "rejecting a device action needs" in device_text
    assert "rejecting an email action needs" in email_text
