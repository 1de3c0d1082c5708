"""A listing's total: counted exactly up to a cap, and shown as "more than" the cap beyond it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import bot.services.listings
from bot.domain.incoming import parse_document
from bot.domain.selection import Selection
from bot.services.ingest import ingest
from bot.services.listings import listing_for
from storage.db import Database
from tests.support.actions import action, document

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PENDING = Selection(pending=True)


@pytest.fixture
def nine(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Nine pending actions, with totals counted up to 5."""
    monkeypatch.setattr(bot.services.listings, "TOTAL_CAP", 5)
    ingest(db, parse_document(document(*(action(f"a{n}") for n in range(9)))), actor="t", now=NOW)
    return db


def test_beyond_the_cap_the_total_is_more_than_the_cap(nine: Database) -> None:
    page = listing_for(nine, "U1", PENDING, as_of=NOW, offset=0, limit=2)
    assert (page.total, page.more_than_total, page.has_next) == (5, True, True)
    assert [r.upstream_id for r in page.rows] == ["a0", "a1"]


def test_a_page_past_the_cap_counts_up_to_its_end(nine: Database) -> None:
    page = listing_for(nine, "U1", PENDING, as_of=NOW, offset=6, limit=2)
    assert (page.total, page.more_than_total, page.has_next) == (8, True, True)
    last = listing_for(nine, "U1", PENDING, as_of=NOW, offset=8, limit=2)
    assert (last.total, last.more_than_total, last.has_next) == (9, False, False)
    assert [r.upstream_id for r in last.rows] == ["a8"]


def test_under_the_cap_the_total_is_exact(db: Database) -> None:
    ingest(db, parse_document(document(action("only"))), actor="t", now=NOW)
    page = listing_for(db, "U1", PENDING, as_of=NOW, offset=0, limit=2)
    assert (page.total, page.more_than_total, page.has_next) == (1, False, False)
