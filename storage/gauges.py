"""What the metrics' database gauges read at scrape time: pending actions per type, the oldest
pending one, and the cards owed. Each is answered from a partial index (ix_actions_pending,
ix_actions_outbox), so a scrape costs the same over a million decided actions as over none."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.catalog import ActionType
from storage.models import _OWED, _PENDING, Action


def pending_figures(session: Session) -> tuple[dict[ActionType, int], datetime | None, int]:
    # The predicates are the partial indexes' own text, so that SQLite sees that they apply.
    pending = _PENDING
    per_type = session.execute(
        select(Action.type, func.count()).where(pending).group_by(Action.type)
    ).all()
    oldest = session.execute(
        select(func.min(Action.created_at)).where(pending)
    ).scalar_one_or_none()
    owed = session.execute(select(func.count()).select_from(Action).where(_OWED)).scalar_one()
    return {ActionType(t): int(n) for t, n in per_type}, oldest, int(owed)
