"""The replies of /actions stay within Slack's limits (slack_sdk's to_dict() checks them) and
escape what users typed, however long or hostile the data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.catalog import ActionSource, ActionType
from bot.domain.columns import DEFAULT_COLUMNS, Column
from bot.domain.paging import ListingPage
from bot.domain.records import ActionRecord, AuditEntry
from bot.domain.roles import Role
from bot.domain.selection import Selection
from bot.domain.statuses import Status
from bot.views.details import render_details
from bot.views.listings import PAGE_SIZE, render_listing

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
HOSTILE = "<!channel> *bold* & <https://evil.example|click> " + "x" * 3000


def _shown_text(message: dict[str, Any]) -> str:
    """What Slack renders as text: the top-level text and every text object in the blocks."""
    pieces = [message["text"]]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                pieces.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message["blocks"])
    return "\n".join(pieces)


def _action(pk: int, **fields: object) -> ActionRecord:
    values: dict[str, object] = {
        "pk": pk,
        "upstream_id": f"up-{pk}-" + "u" * 190,
        "type": ActionType.STOP_AND_QUARANTINE,
        "source": ActionSource.MANUAL_LIVE_RESPONSE_ACTION,
        "status": Status.REJECTED,
        "created_at": NOW - timedelta(days=1),
        "updated_at": NOW,
        "target": {"device_name": HOSTILE, "file_path": HOSTILE, "url": HOSTILE},
        "investigation_id": "i" * 200,
        "requested_by": HOSTILE[:200],
        "details": {"note": HOSTILE, "nested": {"list": list(range(500))}},
        "decided_by": "U0ANN00001",
        "decided_by_email": "ann@example.com",
        "decided_at": NOW,
        "comment": HOSTILE,
        "status_detail": HOSTILE,
    }
    values.update(fields)
    return ActionRecord(**values)  # type: ignore[arg-type]


def test_a_full_page_of_long_hostile_rows_fits_and_is_escaped() -> None:
    page = ListingPage(
        rows=[_action(i) for i in range(1, PAGE_SIZE + 1)],
        total=1_000_000,
        offset=20,
        limit=PAGE_SIZE,
        columns=DEFAULT_COLUMNS,
        selection=Selection(devices=frozenset(HOSTILE[:200].casefold().split())),
        as_of=NOW,
    )
    message = render_listing(page).payload()
    assert len(message["blocks"]) <= 50
    shown = _shown_text(message)
    assert "<!channel>" not in shown
    assert "<https://evil" not in shown
    assert "&lt;!channel&gt;" in shown
    labels = [
        e["text"]["text"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert labels == ["Previous", "Next"]


def test_a_listing_shows_only_the_chosen_columns_in_their_order() -> None:
    page = ListingPage(
        rows=[_action(7, comment="looks fine")],
        total=1,
        offset=0,
        limit=PAGE_SIZE,
        columns=(Column.COMMENT, Column.ID),
        selection=Selection(),
        as_of=NOW,
    )
    row = render_listing(page).payload()["blocks"][1]["text"]["text"]
    assert row == "“looks fine” · *A-7*"


def test_details_with_a_long_timeline_fit_in_one_message() -> None:
    trail = [
        AuditEntry(
            at=NOW + timedelta(minutes=i),
            kind="refused",
            actor="U0MALLORY1",
            actor_email="mallory@example.com",
            roles=(Role.SECURITY_READER.value,),
            status_before="pending",
            status_after=None,
            reason="approve: " + HOSTILE,
        )
        for i in range(2000)
    ]
    message = render_details(_action(1), trail).payload()
    assert len(message["blocks"]) <= 50
    shown = _shown_text(message)
    assert "later event(s) not shown" in shown
    assert "<!channel>" not in shown


def test_a_capped_total_says_more_than_and_still_offers_the_next_page() -> None:
    page = ListingPage(
        rows=[_action(i) for i in range(1, PAGE_SIZE + 1)],
        total=10_000,
        offset=0,
        limit=PAGE_SIZE,
        columns=DEFAULT_COLUMNS,
        selection=Selection(),
        as_of=NOW,
        more_than_total=True,
    )
    message = render_listing(page).payload()
    assert message["text"].endswith(": more than 10,000 action(s)")
    assert "more than *10,000* action(s) · showing 1 to" in message["blocks"][0]["text"]["text"]
    labels = [
        e["text"]["text"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert labels == ["Next"]
