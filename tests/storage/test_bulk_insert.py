"""The bulk insert ingest uses converts values exactly as SQLAlchemy would, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from storage.db import Database
from storage.models import AuditEvent
from storage.repositories import AUDIT, bulk_insert

TOKYO = timezone(timedelta(hours=9))


def test_bulk_rows_read_back_like_orm_rows(db: Database) -> None:
    moment = datetime(2026, 11, 27, 9, 0, 0, 1, tzinfo=TOKYO)
    rows = [
        {"kind": "ingested", "at": moment, "roles": None, "reason": None, "action_ref": "a"},
        {"kind": "updated", "at": moment + timedelta(seconds=1), "roles": ["security-reader"],
         "reason": "ünïcode", "action_ref": "b"},
    ]  # fmt: skip
    with db.write() as session:
        bulk_insert(session.connection(), AUDIT, rows)
        session.add(AuditEvent(kind="orm", at=moment, roles=None, action_ref="c"))
    with db.read() as session:
        found = session.execute(
            select(
                AuditEvent.action_ref, AuditEvent.at, AuditEvent.roles, AuditEvent.reason
            ).order_by(AuditEvent.at, AuditEvent.pk)
        ).all()
        null_roles = session.execute(
            select(AuditEvent.action_ref).where(AuditEvent.roles.is_(None)).order_by(AuditEvent.pk)
        ).scalars()
        assert list(null_roles) == ["a", "c"]  # None is SQL NULL, not JSON 'null'
        # the same instant written by either path compares equal in SQL
        same = session.execute(select(AuditEvent.action_ref).where(AuditEvent.at == moment))
        assert sorted(str(ref) for ref in same.scalars()) == ["a", "c"]
    assert [tuple(r) for r in found] == [
        ("a", moment, None, None),
        ("c", moment, None, None),
        ("b", moment + timedelta(seconds=1), ["security-reader"], "ünïcode"),
    ]
    assert all(r.at.utcoffset() == timedelta(0) and r.at.tzinfo is not None for r in found)
    assert found[0].at == datetime(2026, 11, 27, 0, 0, 0, 1, tzinfo=UTC)
