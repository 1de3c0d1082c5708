"""Listings: pending oldest first; history by window and filters, newest first; paged, streamed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.catalog import ActionSource, ActionType
from bot.domain.incoming import parse_document
from bot.domain.roles import Role
from bot.domain.selection import Selection
from bot.domain.statuses import Status
from bot.domain.windows import Window
from bot.services.decide import Actor, decide
from bot.services.ingest import ingest
from bot.services.query import details_of, every_row, page_of
from storage.db import Database
from tests.support.actions import action, document

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def done(upstream_id: str, at: datetime, **fields: Any) -> dict[str, Any]:
    """An action imported as completed at `at`."""
    fields.setdefault("status", "completed")
    fields.setdefault("created_at", iso(at - timedelta(hours=1)))
    return action(upstream_id, updated_at=iso(at), **fields)


def load(db: Database, *records: dict[str, Any]) -> None:
    ingest(db, parse_document(document(*records)), actor="test", now=NOW)


def history_ids(db: Database, **selection: Any) -> list[str]:
    chosen = Selection(**selection)
    return [a.upstream_id for a in every_row(db, chosen, now=NOW)]


@pytest.mark.parametrize("window", list(Window))
def test_window_boundaries(db: Database, window: Window) -> None:
    start = NOW - window.length
    load(
        db,
        done("outside", start - SECOND),
        done("at-start", start),
        done("inside", start + SECOND),
        done("now", NOW),
        done("future", NOW + SECOND),
    )
    assert history_ids(db, window=window) == ["now", "inside", "at-start"]
    page = page_of(db, Selection(window=window), limit=10, now=NOW)
    assert page.total == 3


def test_history_uses_the_latest_status_change_not_creation(db: Database) -> None:
    load(
        db,
        done(
            "old-but-recently-finished",
            NOW - timedelta(hours=1),
            created_at=iso(NOW - timedelta(days=60)),
        ),
        done(
            "created-recently-finished-long-ago",
            NOW - timedelta(days=8),
            created_at=iso(NOW - timedelta(days=9)),
        ),
    )
    assert history_ids(db, window=Window.WEEK) == ["old-but-recently-finished"]


def test_history_leaves_out_pending_and_pending_lists_only_pending(db: Database) -> None:
    load(
        db,
        action("p1", created_at=iso(NOW - timedelta(hours=3))),
        done("d1", NOW - timedelta(hours=2)),
    )
    assert history_ids(db) == ["d1"]
    assert history_ids(db, pending=True) == ["p1"]


def test_a_decision_moves_an_action_from_pending_to_history(db: Database) -> None:
    load(db, action("p1", created_at=iso(NOW - timedelta(days=30))))
    admin = Actor("U1", None, frozenset({Role.GLOBAL_ADMINISTRATOR}))
    decide(db, "p1", Status.APPROVED, admin, now=NOW - timedelta(minutes=1))
    assert history_ids(db, window=Window.DAY) == ["p1"]
    assert history_ids(db, pending=True) == []


def test_pending_oldest_first_even_with_old_pending_ones(db: Database) -> None:
    load(
        db,
        action("middle", created_at=iso(NOW - timedelta(days=2))),
        action("newest", created_at=iso(NOW - timedelta(minutes=1))),
        action("oldest", created_at=iso(NOW - timedelta(days=400))),  # beyond any window
    )
    assert history_ids(db, pending=True) == ["oldest", "middle", "newest"]


def test_history_newest_first_with_ties_broken_by_arrival(db: Database) -> None:
    same = NOW - timedelta(hours=5)
    load(
        db,
        done("t1", same),
        done("later", NOW - timedelta(hours=1)),
        done("t2", same),
        done("earlier", NOW - timedelta(days=1)),
    )
    assert history_ids(db) == ["later", "t2", "t1", "earlier"]


def test_filters(db: Database) -> None:
    hour = timedelta(hours=1)
    load(
        db,
        done("scan", NOW - hour, type="run-antivirus-scan", source="live-response-action",
             target={"device_name": "WS-Alpha"}),
        done("iso", NOW - 2 * hour, source="manual-device-action",
             target={"device_name": "ws-alpha"}, status="failed"),
        done("iso-2", NOW - 3 * hour, target={"device_name": "WS-Beta"}, status="rejected"),
        done("mail", NOW - 4 * hour, type="soft-delete-email", source="explorer-action"),
    )  # fmt: skip
    assert history_ids(db, sources=frozenset({ActionSource.MANUAL_DEVICE_ACTION})) == ["iso"]
    assert history_ids(
        db,
        sources=frozenset({ActionSource.EXPLORER_ACTION, ActionSource.LIVE_RESPONSE_ACTION}),
    ) == ["scan", "mail"]
    assert history_ids(db, types=frozenset({ActionType.ISOLATE_DEVICE})) == ["iso", "iso-2"]
    assert history_ids(db, statuses=frozenset({Status.FAILED, Status.REJECTED})) == ["iso", "iso-2"]
    assert history_ids(db, devices=frozenset({"ws-alpha"})) == ["scan", "iso"]
    assert history_ids(
        db, devices=frozenset({"ws-alpha"}), types=frozenset({ActionType.ISOLATE_DEVICE})
    ) == ["iso"]
    assert history_ids(db, statuses=frozenset({Status.PENDING})) == []


def test_device_filter_is_case_insensitive_through_the_cli_selection(db: Database) -> None:
    from bot.cli import build_parser, selection_from_args

    load(db, done("a", NOW - SECOND, target={"device_name": "LAPTOP-Zoë"}))
    args = build_parser().parse_args(["history", "--device", "laptop-ZOË"])
    assert [a.upstream_id for a in every_row(db, selection_from_args(args, False), now=NOW)] == [
        "a"
    ]


def test_pending_filters(db: Database) -> None:
    load(
        db,
        action("dev", created_at=iso(NOW - timedelta(hours=2))),
        action("mail", type="move-to-junk", source="automated-email-action",
               created_at=iso(NOW - timedelta(hours=1))),
    )  # fmt: skip
    assert history_ids(db, pending=True, types=frozenset({ActionType.MOVE_TO_JUNK})) == ["mail"]
    assert history_ids(
        db, pending=True, sources=frozenset({ActionSource.AUTOMATED_DEVICE_ACTION})
    ) == ["dev"]


def test_paging_with_total(db: Database) -> None:
    load(db, *(done(f"h{n:02d}", NOW - n * timedelta(minutes=1)) for n in range(23)))
    selection = Selection()
    first = page_of(db, selection, limit=10, now=NOW)
    second = page_of(db, selection, limit=10, offset=10, now=NOW)
    last = page_of(db, selection, limit=10, offset=20, now=NOW)
    assert first.total == second.total == last.total == 23
    assert first.has_next
    assert second.has_next
    assert not last.has_next
    seen = [a.upstream_id for p in (first, second, last) for a in p.rows]
    assert seen == [f"h{n:02d}" for n in range(23)]
    assert seen == history_ids(db)
    quick = page_of(db, selection, limit=10, now=NOW, with_total=False)
    assert [a.upstream_id for a in quick.rows] == [a.upstream_id for a in first.rows]


def test_empty_listing(db: Database) -> None:
    page = page_of(db, Selection(), limit=10, now=NOW)
    assert (page.rows, page.total, page.has_next) == ([], 0, False)
    assert list(every_row(db, Selection(pending=True), now=NOW)) == []


def test_streaming_returns_every_row_across_fetch_batches(db: Database) -> None:
    load(db, *(done(f"s{n:04d}", NOW - n * SECOND) for n in range(2500)))
    rows = list(every_row(db, Selection(window=Window.DAY), now=NOW))
    assert [a.upstream_id for a in rows] == [f"s{n:04d}" for n in range(2500)]


def test_records_carry_what_listings_show(db: Database) -> None:
    load(
        db,
        done("a", NOW - SECOND, investigation_id="inv-9", requested_by="soar",
             details={"k": [1, 2]}, target={"device_name": "WS-1", "file_path": "C:\\x.exe"}),
    )  # fmt: skip
    record = page_of(db, Selection(), limit=1, now=NOW).rows[0]
    assert record.type is ActionType.ISOLATE_DEVICE
    assert record.source is ActionSource.AUTOMATED_DEVICE_ACTION
    assert record.status is Status.COMPLETED
    assert record.target == {"device_name": "WS-1", "file_path": "C:\\x.exe"}
    assert record.details == {"k": [1, 2]}
    assert (record.investigation_id, record.requested_by) == ("inv-9", "soar")
    assert record.updated_at == NOW - SECOND
    assert record.updated_at.tzinfo is not None
    found = details_of(db, "a")
    assert found is not None
    assert found.action == record
    assert details_of(db, "missing") is None
