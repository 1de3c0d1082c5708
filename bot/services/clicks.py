"""A click that was acked is never silently lost.

Slack has its ack within 3 seconds; the decision comes after it (services.approvals). So that a
bot that dies in between still answers, each Approve click and reject submission is recorded as
soon as it is acked, leased to the process that acked it, and marked answered once its clicker
has been answered. A click whose lease ran out unanswered (its process died) is taken over by
one process after a restart or by another replica: within RESUME_WITHIN of the click it is
decided then, with the clicker's roles resolved again at that moment; older, the clicker is told
it was not applied and asked to click again. Either way the audit trail says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.clock import utcnow
from bot.domain.records import CardRef
from bot.domain.statuses import Status
from bot.services.approvals import ClickOutcome, decide_click
from bot.services.identity import ActorResolver
from storage.acked_clicks import AckedClickRepository, ClickRecord
from storage.db import Database
from storage.repositories import ActionRepository, AuditRepository

RESUME_WITHIN = timedelta(minutes=15)
"""How old a click may be and still be applied after a restart; older ones may no longer be
what the clicker wants (someone else may have looked into the device meanwhile)."""
TAKE_OVER = 20
"""Clicks taken over per round."""


def click_lease(slack_timeout: float) -> timedelta:
    """How long the process that acked a click holds it: longer than the click's work can take
    (users.info and the role source, each Slack call up to `slack_timeout` and retried, up to two
    Retry-After waits of 10 s; the decision; chat.update or the reply)."""
    return timedelta(seconds=2 * 10 + 4 * slack_timeout + 5)


@dataclass(frozen=True)
class Click:
    user_id: str
    team_id: str | None
    ref: CardRef
    decision: Status
    comment: str | None
    channel_id: str | None


def click_received(db: Database, click: Click, lease: timedelta) -> int:
    """Record an acked click, held by this process for `lease`; returns its id."""
    now = utcnow()
    with db.write() as session:
        return AckedClickRepository(session).add(
            received_at=now,
            lease_until=now + lease,
            user_id=click.user_id,
            team_id=click.team_id,
            card_ref=click.ref.value[:40],
            decision=click.decision.value,
            comment=click.comment,
            channel_id=click.channel_id,
        )


def click_answered(db: Database, click_id: int) -> None:
    with db.write() as session:
        AckedClickRepository(session).answered(click_id, utcnow())


@dataclass(frozen=True)
class Resumed:
    """A click taken over after its process died, and decided now."""

    click_id: int
    click: Click
    received_at: datetime
    outcome: ClickOutcome


@dataclass(frozen=True)
class TooLate:
    """A click taken over too long after it was made: not applied; the clicker must click again."""

    click_id: int
    click: Click
    received_at: datetime


def resume_clicks(
    db: Database, resolver: ActorResolver, lease: timedelta, now: datetime | None = None
) -> list[Resumed | TooLate]:
    """Take over the clicks whose process died before answering them, and settle each."""
    now = now or utcnow()
    with db.write() as session:
        claimed = AckedClickRepository(session).claim_unanswered(now, now + lease, TAKE_OVER)
    return [_settle(db, resolver, record, now) for record in claimed]


def _settle(
    db: Database, resolver: ActorResolver, record: ClickRecord, now: datetime
) -> Resumed | TooLate:
    click = Click(
        record.user_id,
        record.team_id,
        CardRef(record.card_ref),
        Status(record.decision),
        record.comment,
        record.channel_id,
    )
    act = "approve" if click.decision is Status.APPROVED else "reject"
    clicked = f"{act} clicked by {click.user_id} at {record.received_at.isoformat()}"
    if now - record.received_at > RESUME_WITHIN:
        _audit(db, click, "click-expired", f"{clicked}: not applied after a restart of the bot")
        return TooLate(record.pk, click, record.received_at)
    _audit(db, click, "click-resumed", f"{clicked}: decided after a restart of the bot")
    outcome = decide_click(
        db,
        resolver,
        ref=click.ref,
        decision=click.decision,
        user_id=click.user_id,
        team_id=click.team_id,
        comment=click.comment,
    )
    return Resumed(record.pk, click, record.received_at, outcome)


def _audit(db: Database, click: Click, kind: str, reason: str) -> None:
    with db.write() as session:
        action = ActionRepository(session).find(click.ref)
        AuditRepository(session).add(
            kind,
            utcnow(),
            action_pk=action.pk if action else None,
            action_ref=click.ref.value,
            actor=click.user_id,
            status_before=action.status if action else None,
            reason=reason,
        )
