"""Ingest (CONTRACT.md section 5): idempotent, all-or-nothing, never back to pending."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import storage.repositories
from bot.domain.incoming import InvalidInput, parse_document
from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.services.decide import Actor, Decided, decide
from bot.services.ingest import IngestResult, ingest
from bot.services.query import details_of
from storage.db import Database
from storage.models import Action, AuditEvent
from tests.support.actions import action, document
from tests.support.databases import BACKENDS, postgres_database, postgres_name, sqlite_database

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ADMIN = Actor("U0ADMIN", "admin@example.com", frozenset({Role.GLOBAL_ADMINISTRATOR}))
_WRITE_PATHS = [(backend, "rows") for backend in BACKENDS]
if "postgresql" in BACKENDS:
    _WRITE_PATHS.append(("postgresql", "copy"))


@pytest.fixture(params=_WRITE_PATHS, ids="-".join)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """Every rule here holds on both of PostgreSQL's write paths: row by row, and COPY (taken
    for bulk batches; here for every batch)."""
    backend, path = request.param
    if path == "copy":
        monkeypatch.setattr(storage.repositories, "COPY_FROM", 1)
    if backend == "sqlite":
        return sqlite_database(tmp_path, sqlite_template)
    return postgres_database(postgres_name())


def send(db: Database, *records: dict[str, Any], now: datetime = NOW) -> IngestResult:
    return ingest(db, parse_document(document(*records)), actor="test", now=now)


def count_actions(db: Database) -> int:
    with db.read() as session:
        return int(session.execute(select(func.count()).select_from(Action)).scalar_one())


def audit_kinds(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.execute(select(AuditEvent.kind).order_by(AuditEvent.pk)).scalars())


def stored(db: Database, upstream_id: str) -> Any:
    found = details_of(db, upstream_id)
    assert found is not None
    return found.action


def test_new_actions_get_short_ids_in_input_order(db: Database) -> None:
    result = send(db, action("c"), action("a"), action("b"))
    assert (result.new, result.updated, result.unchanged) == (3, 0, 0)
    assert result.short_ids == ["A-1", "A-2", "A-3"]
    assert [stored(db, s).upstream_id for s in result.short_ids] == ["c", "a", "b"]
    assert sorted(result.posting) == [1, 2, 3]


def test_short_ids_of_a_mixed_batch_follow_the_input(db: Database) -> None:
    send(db, action("old"))
    result = send(db, action("new-1"), action("old"), action("new-2"))
    assert result.short_ids == ["A-2", "A-1", "A-3"]
    assert (result.new, result.updated, result.unchanged) == (2, 0, 1)


def test_the_same_record_twice_is_unchanged(db: Database) -> None:
    record = action("a", details={"alert": "x"}, investigation_id="inv-1")
    send(db, record)
    before = stored(db, "a")
    result = send(db, record, now=datetime(2026, 11, 28, tzinfo=UTC))
    assert (result.new, result.updated, result.unchanged) == (0, 0, 1)
    assert result.posting == []
    assert stored(db, "a") == before
    assert count_actions(db) == 1
    assert audit_kinds(db) == ["ingested"]


def test_created_at_defaults_to_now_and_is_kept_on_resend(db: Database) -> None:
    send(db, action("a", created_at=None))
    assert stored(db, "a").created_at == NOW
    send(db, action("a", created_at=None), now=datetime(2026, 11, 29, tzinfo=UTC))
    assert stored(db, "a").created_at == NOW


def test_descriptive_fields_update(db: Database) -> None:
    send(db, action("a"))
    result = send(
        db,
        action("a", details={"score": 9}, investigation_id="inv-7", requested_by="soar"),
    )
    assert (result.new, result.updated, result.unchanged) == (0, 1, 0)
    after = stored(db, "a")
    assert after.details == {"score": 9}
    assert after.investigation_id == "inv-7"
    assert after.requested_by == "soar"
    assert after.status is Status.PENDING
    assert audit_kinds(db) == ["ingested", "updated"]


def test_a_later_status_moves_forward_with_its_updated_at(db: Database) -> None:
    send(db, action("a"))
    reached = "2026-11-27T10:30:00+01:00"
    result = send(db, action("a", status="approved", updated_at=reached))
    assert result.updated == 1
    after = stored(db, "a")
    assert after.status is Status.APPROVED
    assert after.updated_at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    assert after.decided_at == after.updated_at
    send(db, action("a", status="completed", updated_at="2026-11-27T11:00:00Z"))
    assert stored(db, "a").status is Status.COMPLETED
    assert stored(db, "a").decided_at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_a_pending_action_reported_completed_counts_as_decided_then(db: Database) -> None:
    send(db, action("a"))
    send(db, action("a", status="completed", updated_at="2026-11-27T12:00:00Z"))
    after = stored(db, "a")
    assert after.status is Status.COMPLETED
    assert after.decided_at == datetime(2026, 11, 27, 12, tzinfo=UTC)


def test_a_decided_action_resent_as_pending_stays_decided(db: Database) -> None:
    short_id = send(db, action("a")).short_ids[0]
    outcome = decide(db, short_id, Status.REJECTED, ADMIN, comment="false positive", now=NOW)
    assert isinstance(outcome, Decided)
    result = send(db, action("a", details={"new": True}))
    assert result.updated == 1
    after = stored(db, "a")
    assert after.status is Status.REJECTED
    assert after.decided_by == "U0ADMIN"
    assert after.comment == "false positive"
    assert after.details == {"new": True}
    # an identical re-send of the original pending record changes nothing at all
    assert send(db, action("a", details={"new": True})).unchanged == 1


def test_a_status_behind_the_stored_one_is_kept_as_stored(db: Database) -> None:
    send(db, action("a", status="completed", updated_at="2026-11-27T08:30:00Z"))
    result = send(db, action("a", status="approved", updated_at="2026-11-27T08:10:00Z"))
    assert result.unchanged == 1
    assert stored(db, "a").status is Status.COMPLETED


def test_history_imports_arrive_decided_and_owe_no_card(db: Database) -> None:
    result = send(db, action("a", status="completed", updated_at="2026-11-27T08:30:00Z"))
    assert result.posting == []
    after = stored(db, "a")
    assert after.status is Status.COMPLETED
    assert after.updated_at == datetime(2026, 11, 27, 8, 30, tzinfo=UTC)
    assert after.decided_at == after.updated_at


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "run-antivirus-scan"}, "type"),
        ({"target": {"device_name": "WS-9999"}}, "target"),
    ],
)
def test_type_or_target_change_on_a_pending_id_is_refused_and_nothing_is_stored(
    db: Database, change: dict[str, Any], field: str
) -> None:
    send(db, action("a"))
    with pytest.raises(InvalidInput) as caught:
        send(db, action("fresh"), action("b"), action("a", **change))
    assert [(e.position, e.field) for e in caught.value.errors] == [(2, field)]
    assert count_actions(db) == 1
    assert stored(db, "a").target == {"device_name": "WS-0142"}
    assert audit_kinds(db) == ["ingested"]


def test_type_or_target_of_a_decided_action_may_be_corrected(db: Database) -> None:
    send(db, action("a", status="completed", updated_at="2026-11-27T08:30:00Z"))
    result = send(db, action("a", status="completed", target={"device_name": "WS-2"}))
    assert result.updated == 1
    assert stored(db, "a").target == {"device_name": "WS-2"}


def test_duplicates_inside_one_batch(db: Database) -> None:
    result = send(db, action("a"), action("a"), action("a", details={"n": 2}))
    assert (result.new, result.updated, result.unchanged) == (1, 1, 1)
    assert result.short_ids == ["A-1", "A-1", "A-1"]
    assert stored(db, "a").details == {"n": 2}
    assert count_actions(db) == 1


def test_a_conflicting_duplicate_inside_one_batch_refuses_the_batch(db: Database) -> None:
    with pytest.raises(InvalidInput) as caught:
        send(db, action("a"), action("a", target={"device_name": "other"}))
    assert [(e.position, e.field) for e in caught.value.errors] == [(1, "target")]
    assert count_actions(db) == 0


def test_json_lines_refusals_name_the_line(db: Database) -> None:
    send(db, action("a"))
    data = json.dumps(action("b")) + "\n\n" + json.dumps(action("a", type="offboard-machine"))
    with pytest.raises(InvalidInput) as caught:
        ingest(db, parse_document(data), actor="test", now=NOW)
    assert [(e.position_kind, e.position, e.field) for e in caught.value.errors] == [
        ("line", 3, "type")
    ]
    assert count_actions(db) == 1


def test_audit_rows_say_who_ingested_and_the_status(db: Database) -> None:
    ingest(db, parse_document(document(action("a"))), actor="api:soar", now=NOW)
    ingest(
        db,
        parse_document(document(action("a", status="approved", updated_at="2026-11-27T09:00Z"))),
        actor="cli:ops",
        now=NOW,
    )
    found = details_of(db, "a")
    assert found is not None
    trail = [(e.kind, e.actor, e.status_before, e.status_after) for e in found.trail]
    assert trail == [
        ("ingested", "api:soar", None, "pending"),
        ("updated", "cli:ops", "pending", "approved"),
    ]


def test_device_filter_key_follows_the_target(db: Database) -> None:
    send(db, action("a", target={"device_name": "WS-Upper"}))
    with db.read() as session:
        assert session.execute(select(Action.device_name)).scalar_one() == "ws-upper"


def test_racing_senders_of_the_same_new_id_make_one_action(db: Database) -> None:
    threads = 8
    barrier = threading.Barrier(threads)
    results: list[IngestResult] = []
    failures: list[BaseException] = []
    data = parse_document(document(action("same"), action("other")))

    def sender() -> None:
        barrier.wait()
        try:
            results.append(ingest(db, data, actor="test", now=NOW))
        except BaseException as exc:
            failures.append(exc)

    workers = [threading.Thread(target=sender) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert failures == []
    assert count_actions(db) == 2
    assert sum(r.new for r in results) == 2
    assert sum(r.unchanged for r in results) == 2 * (threads - 1)
    assert len({tuple(r.short_ids) for r in results}) == 1  # every sender names the same


def test_an_update_racing_a_decision_never_undoes_it(db: Database) -> None:
    """An ingest that read the action as pending must not write pending back over a decision."""
    for round_ in range(15):
        upstream_id = f"r{round_}"
        short_id = send(db, action(upstream_id)).short_ids[0]
        barrier = threading.Barrier(2)

        def update(uid: str = upstream_id, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            send(db, action(uid, details={"more": "context"}))

        def approve(ref: str = short_id, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            decide(db, ref, Status.APPROVED, ADMIN, now=NOW)

        workers = [threading.Thread(target=update), threading.Thread(target=approve)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        after = stored(db, upstream_id)
        assert after.status is Status.APPROVED, round_
        assert after.decided_by == "U0ADMIN"
        assert after.details == {"more": "context"}
