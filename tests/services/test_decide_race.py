"""Racing deciders: however many approve at once, exactly one decision is applied."""

from __future__ import annotations

import threading
from collections import Counter

from bot.domain.incoming import parse_document
from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.services.decide import Actor, AlreadyDecided, Decided, decide
from bot.services.ingest import ingest
from storage.db import Database
from storage.repositories import AuditRepository

ACTION = (
    b'{"id": "race-1", "type": "isolate-device", "source": "manual-device-action",'
    b' "target": {"device_name": "WS-7"}}'
)


def test_twenty_racing_approvals_make_exactly_one_decision(db: Database) -> None:
    short_id = ingest(db, parse_document(ACTION), actor="test").short_ids[0]
    barrier = threading.Barrier(20)
    outcomes: list[object] = []

    def click(n: int) -> None:
        actor = Actor(
            f"U{n:04d}", f"analyst{n}@example.com", frozenset({Role.SECURITY_ADMINISTRATOR})
        )
        barrier.wait()
        outcomes.append(decide(db, short_id, Status.APPROVED, actor))

    threads = [threading.Thread(target=click, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == {"Decided": 1, "AlreadyDecided": 19}
    winner = next(o for o in outcomes if isinstance(o, Decided))
    for loser in (o for o in outcomes if isinstance(o, AlreadyDecided)):
        assert loser.action.decided_by == winner.action.decided_by
    with db.read() as session:
        trail = AuditRepository(session).trail(winner.action.pk)
    assert [e.kind for e in trail].count("approved") == 1
