"""Bulk ingest on PostgreSQL goes through COPY: it stores exactly what the row-by-row path does,
audit trail included, and leaves the planner fresh statistics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.domain.incoming import InvalidInput, parse_document
from bot.services.ingest import REFRESH_STATISTICS_FROM, IngestResult, ingest
from storage.db import Database
from storage.models import Action, AuditEvent
from tests.support.actions import action, document
from tests.support.databases import POSTGRES_URL, postgres_database, postgres_name

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="COPY is PostgreSQL's")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ROWS, COPY = 10**9, 0
"""copy_from values: never COPY, always COPY."""


@pytest.fixture
def pg() -> Iterator[Database]:
    database = Database.from_url(postgres_database(postgres_name()))
    yield database
    database.dispose()


def empty(db: Database) -> None:
    with db.write() as session:
        session.execute(text("TRUNCATE audit_events, actions RESTART IDENTITY CASCADE"))


def stamp(minutes: int) -> str:
    return (NOW - timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def first_batch() -> list[dict[str, Any]]:
    out = []
    for n in range(700):
        record = action(f"id-{n:04d}", target={"device_name": f"WS-{n % 37:03d}"})
        record["created_at"] = stamp(1000 + n)
        if n % 4 == 0:
            record.update(status="completed", updated_at=stamp(n))
        if n % 3 == 0:
            record["details"] = {"alert": f"da{n}", "n": n}
        out.append(record)
    return out


def second_batch() -> list[dict[str, Any]]:
    """Re-sends (unchanged, with new details, with a later status, with an old status) and new
    ids, duplicates among them."""
    out = []
    for n in range(0, 700, 2):
        record = action(f"id-{n:04d}", target={"device_name": f"WS-{n % 37:03d}"})
        record["created_at"] = stamp(1000 + n)
        if n % 4 == 0:
            record.update(status="pending")  # behind the stored 'completed': kept as stored
        elif n % 6 == 2:
            record.update(status="approved", updated_at=stamp(n))
        if n % 10 == 0:
            record["details"] = {"more": n}
        out.append(record)
    out += [action(f"new-{n:04d}", requested_by=f"u{n}@example.com") for n in range(600)]
    out.append(action("new-0001", requested_by="u1@example.com"))
    return out


def contents(db: Database) -> tuple[list[Any], list[Any]]:
    with db.read() as session:
        actions = list(session.execute(select(Action.__table__).order_by(Action.pk)))
        audit = list(session.execute(select(AuditEvent.__table__).order_by(AuditEvent.pk)))
    return [tuple(r) for r in actions], [tuple(r) for r in audit]


def run(db: Database, copy_from: int) -> tuple[list[IngestResult], tuple[list[Any], list[Any]]]:
    empty(db)
    results = []
    for batch, actor, now in (
        (first_batch(), "cli:first", NOW),
        (second_batch(), "api:second", NOW + timedelta(hours=1)),
        (second_batch(), "api:third", NOW + timedelta(hours=2)),
    ):
        data = parse_document(document(*batch))
        results.append(ingest(db, data, actor=actor, now=now, copy_from=copy_from))
    return results, contents(db)


def test_copy_and_row_paths_store_the_same_actions_and_audit_rows(pg: Database) -> None:
    by_rows, stored_by_rows = run(pg, ROWS)
    by_copy, stored_by_copy = run(pg, COPY)
    assert by_copy == by_rows
    assert [(r.new, r.updated, r.unchanged) for r in by_copy] == [
        (700, 0, 0),
        (600, 118, 233),  # new-0001 twice: once new, once unchanged
        (0, 0, 951),
    ]
    assert stored_by_copy == stored_by_rows
    actions, audit = stored_by_copy
    kinds = [row[AuditEvent.__table__.c.keys().index("kind")] for row in audit]
    assert len(actions) == 1300
    assert (kinds.count("ingested"), kinds.count("updated")) == (1300, 118)


def test_a_refused_bulk_resend_stores_nothing_on_the_copy_path(pg: Database) -> None:
    empty(pg)
    ingest(pg, parse_document(document(*first_batch())), actor="t", now=NOW, copy_from=COPY)
    before = contents(pg)
    batch = [action(f"more-{n}") for n in range(600)]
    batch.append(action("id-0001", target={"device_name": "ELSEWHERE"}))  # a pending id
    with pytest.raises(InvalidInput):
        ingest(pg, parse_document(document(*batch)), actor="t", now=NOW, copy_from=COPY)
    assert contents(pg) == before


def test_a_bulk_ingest_leaves_fresh_statistics_for_the_next_listing(pg: Database) -> None:
    empty(pg)
    batch = [action(f"bulk-{n}", status="completed") for n in range(REFRESH_STATISTICS_FROM)]
    ingest(pg, parse_document(document(*batch)), actor="t", now=NOW)
    with pg.read() as session:
        reltuples, relpages, allvisible = session.execute(
            text(
                "SELECT reltuples, relpages, relallvisible FROM pg_class WHERE relname = 'actions'"
            )
        ).one()
    assert reltuples == REFRESH_STATISTICS_FROM  # the planner knows the new row count
    assert allvisible == relpages > 0  # so index-only scans skip the table


def test_text_copy_keeps_awkward_characters_as_sent(pg: Database) -> None:
    """COPY's text format has its own escapes (tab, newline, backslash): none may leak."""
    awkward = 'tab\there, new\nline, back\\slash \\N, quote " and \u00e9\u4e2d\U0001f600'
    batch = [
        action(
            f"odd-{n}\t{n}",
            requested_by=awkward,
            details={"note": awkward, "nested": [awkward, None, 1.5]},
            target={"device_name": f"WS\\{n}"},
        )
        for n in range(3)
    ]
    by = {}
    for copy_from in (ROWS, COPY):
        empty(pg)
        ingest(pg, parse_document(document(*batch)), actor="t", now=NOW, copy_from=copy_from)
        by[copy_from] = contents(pg)
    assert by[COPY] == by[ROWS]
    with pg.read() as session:
        row = session.execute(select(Action).where(Action.upstream_id == "odd-1\t1")).scalar_one()
    assert (row.requested_by, row.details, row.target) == (
        awkward,
        {"note": awkward, "nested": [awkward, None, 1.5]},
        {"device_name": "WS\\1"},
    )
