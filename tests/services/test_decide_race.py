"""Racing deciders: however many approve or reject at once, exactly one decision is applied,
and every loser is told who won."""

from __future__ import annotations

import threading
from collections import Counter

from bot.domain.incoming import parse_document
from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.services.decide import Actor, AlreadyDecided, Decided, Outcome, decide
from bot.services.ingest import ingest
from storage.db import Database
from storage.repositories import AuditRepository

ACTION = (
    b'{"id": "race-1", "type": "isolate-device", "source": "manual-device-action",'
    b' "target": {"device_name": "WS-7"}}'
)


def race(db: Database, ref: str, clicks: list[tuple[Status, Actor]]) -> list[Outcome]:
    barrier = threading.Barrier(len(clicks))
    outcomes: list[Outcome] = []

    def click(decision: Status, who: Actor) -> None:
        barrier.wait()
        outcomes.append(decide(db, ref, decision, who))

    threads = [threading.Thread(target=click, args=c) for c in clicks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def analyst(n: int) -> Actor:
    return Actor(f"U{n:04d}", f"analyst{n}@example.com", frozenset({Role.SECURITY_ADMINISTRATOR}))


def test_twenty_racing_approvals_make_exactly_one_decision(db: Database) -> None:
    short_id = ingest(db, parse_document(ACTION), actor="test").short_ids[0]
    outcomes = race(db, short_id, [(Status.APPROVED, analyst(n)) for n in range(20)])

    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == {"Decided": 1, "AlreadyDecided": 19}
    winner = next(o for o in outcomes if isinstance(o, Decided))
    for loser in (o for o in outcomes if isinstance(o, AlreadyDecided)):
        assert loser.action.decided_by == winner.action.decided_by
        assert loser.action.decided_at == winner.action.decided_at
    with db.read() as session:
        trail = AuditRepository(session).trail(winner.action.pk)
    assert [e.kind for e in trail].count("approved") == 1
    assert [e.kind for e in trail].count("too-late") == 19


def test_approvals_racing_rejections_leave_one_consistent_decision(db: Database) -> None:
    short_id = ingest(db, parse_document(ACTION), actor="test").short_ids[0]
    clicks = [(Status.APPROVED if n % 2 else Status.REJECTED, analyst(n)) for n in range(12)]
    outcomes = race(db, short_id, clicks)

    winners = [o for o in outcomes if isinstance(o, Decided)]
    assert len(winners) == 1
    final = winners[0].action
    decided_by = {c[1].user_id: c[0] for c in clicks}
    assert final.status is decided_by[final.decided_by or ""]  # what the winner asked for
    with db.read() as session:
        trail = AuditRepository(session).trail(final.pk)
    decisions = [e for e in trail if e.kind in ("approved", "rejected")]
    assert [(e.kind, e.actor) for e in decisions] == [(final.status.value, final.decided_by)]
    for loser in outcomes:
        if isinstance(loser, AlreadyDecided):
            assert loser.action.status is final.status
            assert loser.action.decided_by == final.decided_by
