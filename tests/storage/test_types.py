"""Timestamps: aware in, aware UTC out, the same instant, on both backends; naive refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from storage.db import Database
from storage.models import RoleAssignment

PARIS_SUMMER = timezone(timedelta(hours=2))
NEW_YORK_WINTER = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 7, 1, 10, 30, 15, 123456, tzinfo=PARIS_SUMMER),
        datetime(2026, 12, 31, 23, 59, 59, tzinfo=NEW_YORK_WINTER),  # a new year in UTC
        datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
    ],
)
def test_aware_timestamps_come_back_as_the_same_instant_in_utc(
    db: Database, moment: datetime
) -> None:
    with db.write() as session:
        session.add(
            RoleAssignment(subject="a@example.com", role="security-reader", granted_at=moment)
        )
    with db.read() as session:
        stored = session.query(RoleAssignment).one().granted_at
    assert stored == moment
    assert stored.utcoffset() == timedelta(0)
    assert stored.tzinfo is not None
    assert stored.isoformat() == moment.astimezone(UTC).isoformat()


def test_naive_timestamps_are_refused(db: Database) -> None:
    naive = RoleAssignment(
        subject="a@example.com", role="security-reader", granted_at=datetime(2026, 1, 1)
    )
    with db.write() as session:
        session.add(naive)
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()
        session.rollback()
    with db.read() as session:
        assert session.query(RoleAssignment).count() == 0


def test_ordering_follows_instants_not_wall_clocks(db: Database) -> None:
    """10:00+02:00 is before 09:00+00:00; stored in UTC, the database orders them so."""
    early = datetime(2026, 5, 1, 10, 0, tzinfo=PARIS_SUMMER)
    late = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    with db.write() as session:
        session.add(
            RoleAssignment(subject="late@example.com", role="security-reader", granted_at=late)
        )
        session.add(
            RoleAssignment(subject="early@example.com", role="security-reader", granted_at=early)
        )
    with db.read() as session:
        order = [
            r.subject for r in session.query(RoleAssignment).order_by(RoleAssignment.granted_at)
        ]
        after = session.query(RoleAssignment).filter(RoleAssignment.granted_at > early).all()
    assert order == ["early@example.com", "late@example.com"]
    assert [r.subject for r in after] == ["late@example.com"]
