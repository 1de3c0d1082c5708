"""Acked clicks taken over after their process died: real databases, an injected clock, and
small fakes of our own protocols for who the clicker is."""

from __future__ import annotations

import threading
from datetime import timedelta
from functools import partial

from bot.domain.clock import utcnow
from bot.domain.records import CardRef
from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.integrations.role_sources import LocalRoleSource
from bot.services import roles as role_service
from bot.services.approvals import Decided
from bot.services.clicks import (
    RESUME_WITHIN,
    Click,
    Resumed,
    TooLate,
    click_answered,
    click_received,
    resume_clicks,
)
from bot.services.identity import ActorResolver
from storage.db import Database
from tests.listeners.helpers import DEVICE, action, current, grant, store, trail

TEAM = "T0ACTIONB0T"
ANN = "U0ANN00001"
LEASE = timedelta(seconds=30)


class People:
    def email_of(self, user_id: str) -> str | None:
        return f"{user_id.lower()}@example.com"


def _resolver(db: Database) -> ActorResolver:
    roles = LocalRoleSource(partial(role_service.roles_of, db))
    return ActorResolver(People(), roles, allowed_teams=lambda: {TEAM})


def _click(ref: str) -> Click:
    return Click(ANN, TEAM, CardRef(ref), Status.APPROVED, None, "C0PENDING01")


def test_a_click_is_left_alone_while_its_process_holds_it(db: Database) -> None:
    (ref,) = store(db, action("up-1", DEVICE))
    click_received(db, _click(ref), LEASE)
    assert resume_clicks(db, _resolver(db), LEASE, now=utcnow() + LEASE / 2) == []
    assert current(db, ref).status is Status.PENDING


def test_an_answered_click_is_never_taken_over(db: Database) -> None:
    (ref,) = store(db, action("up-1", DEVICE))
    click_answered(db, click_received(db, _click(ref), LEASE))
    assert resume_clicks(db, _resolver(db), LEASE, now=utcnow() + 2 * LEASE) == []


def test_a_recent_click_is_decided_with_the_roles_held_now(db: Database) -> None:
    (ref,) = store(db, action("up-1", DEVICE))
    click_received(db, _click(ref), LEASE)
    grant(db, f"{ANN.lower()}@example.com", [Role.SECURITY_ADMINISTRATOR])  # after the click

    (settled,) = resume_clicks(db, _resolver(db), LEASE, now=utcnow() + 2 * LEASE)

    assert isinstance(settled, Resumed)
    assert isinstance(settled.outcome, Decided)
    assert current(db, ref).status is Status.APPROVED
    assert current(db, ref).decided_by == ANN
    kinds = [entry.kind for entry in trail(db, ref)]
    assert kinds.index("click-resumed") < kinds.index("approved")
    click_answered(db, settled.click_id)  # the clicker was told
    assert resume_clicks(db, _resolver(db), LEASE, now=utcnow() + 10 * LEASE) == []


def test_a_resumed_click_of_someone_without_the_role_is_refused(db: Database) -> None:
    (ref,) = store(db, action("up-1", DEVICE))
    click_received(db, _click(ref), LEASE)

    (settled,) = resume_clicks(db, _resolver(db), LEASE, now=utcnow() + 2 * LEASE)

    assert isinstance(settled, Resumed)
    assert not isinstance(settled.outcome, Decided)
    assert current(db, ref).status is Status.PENDING


def test_an_old_click_is_not_applied_and_says_so_in_the_audit_trail(db: Database) -> None:
    (ref,) = store(db, action("up-1", DEVICE))
    grant(db, f"{ANN.lower()}@example.com", [Role.GLOBAL_ADMINISTRATOR])
    click_received(db, _click(ref), LEASE)

    later = utcnow() + RESUME_WITHIN + timedelta(minutes=1)
    (settled,) = resume_clicks(db, _resolver(db), LEASE, now=later)

    assert isinstance(settled, TooLate)
    assert current(db, ref).status is Status.PENDING
    (expired,) = [e for e in trail(db, ref) if e.kind == "click-expired"]
    assert expired.actor == ANN
    assert "not applied" in (expired.reason or "")


def test_two_processes_taking_over_at_once_settle_each_click_once(db: Database) -> None:
    refs = store(db, *(action(f"up-{n}", DEVICE) for n in range(6)))
    grant(db, f"{ANN.lower()}@example.com", [Role.GLOBAL_ADMINISTRATOR])
    for ref in refs:
        click_received(db, _click(ref), LEASE)
    later = utcnow() + 2 * LEASE
    settled: list[Resumed | TooLate] = []

    def take_over() -> None:
        settled.extend(resume_clicks(db, _resolver(db), LEASE, now=later))

    threads = [threading.Thread(target=take_over) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(s.click.ref.value for s in settled) == sorted(refs)
    for ref in refs:
        assert [e.kind for e in trail(db, ref)].count("click-resumed") == 1
