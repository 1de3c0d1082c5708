"""The acked clicks: a row from the moment a click is acked until its clicker is answered, so
that a bot that dies in between answers them after its restart (bot/services/clicks.py).

The row is leased the way cards are: the process that acked it holds it until `lease_until`; a
click still unanswered after its lease is taken over, by a conditional update, by exactly one
process. Repositories never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from storage.models import AckedClick

CLICKS: Table = AckedClick.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class ClickRecord:
    pk: int
    received_at: datetime
    user_id: str
    team_id: str | None
    card_ref: str
    decision: str
    comment: str | None
    channel_id: str | None
    lease_until: datetime


class AckedClickRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        *,
        received_at: datetime,
        lease_until: datetime,
        user_id: str,
        team_id: str | None,
        card_ref: str,
        decision: str,
        comment: str | None,
        channel_id: str | None,
    ) -> int:
        stmt = (
            insert(CLICKS)
            .values(
                received_at=received_at,
                lease_until=lease_until,
                user_id=user_id,
                team_id=team_id,
                card_ref=card_ref,
                decision=decision,
                comment=comment,
                channel_id=channel_id,
            )
            .returning(CLICKS.c.pk)
        )
        return int(self.session.execute(stmt).scalar_one())

    def answered(self, pk: int, at: datetime) -> None:
        self.session.execute(
            update(CLICKS).where(CLICKS.c.pk == pk).values(answered_at=at, lease_until=at)
        )

    def claim_unanswered(self, now: datetime, until: datetime, limit: int) -> list[ClickRecord]:
        """Take over up to `limit` unanswered clicks whose lease ran out (their process died).

        One conditional update: a click whose lease another process renewed, or that it
        answered, no longer matches, so each click is taken over by one process only."""
        c = CLICKS.c
        due = (
            select(c.pk)
            .where(c.answered_at.is_(None), c.lease_until <= now)
            .order_by(c.pk)
            .limit(limit)
            .scalar_subquery()
        )
        stmt = (
            update(CLICKS)
            .where(c.pk.in_(due), c.answered_at.is_(None), c.lease_until <= now)
            .values(lease_until=until)
            .returning(
                c.pk,
                c.received_at,
                c.user_id,
                c.team_id,
                c.card_ref,
                c.decision,
                c.comment,
                c.channel_id,
                c.lease_until,
            )
        )
        rows = sorted(self.session.execute(stmt), key=lambda row: row.pk)
        return [ClickRecord(**row._asdict()) for row in rows]
