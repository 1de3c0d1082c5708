"""Deciding: permission first, one conditional update, every attempt audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.domain.incoming import parse_document
from bot.domain.roles import Role
from bot.domain.statuses import Status
from bot.services.decide import Actor, AlreadyDecided, Decided, NotFound, Refused, decide
from bot.services.ingest import ingest
from bot.services.query import details_of
from storage.db import Database
from storage.models import AuditEvent
from storage.repositories import AuditRepository
from tests.support.actions import action, document

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def actor(user: str, *roles: Role) -> Actor:
    return Actor(user, f"{user.lower()}@example.com", frozenset(roles))


def pending(db: Database, upstream_id: str = "a", **fields: object) -> str:
    record = action(upstream_id, **fields)
    return ingest(db, parse_document(document(record)), actor="test", now=NOW).short_ids[0]


def test_approve_by_short_id_records_who_when_and_comment(db: Database) -> None:
    short_id = pending(db)
    when = NOW + timedelta(minutes=5)
    outcome = decide(
        db, short_id, Status.APPROVED, actor("U1", Role.ACTIVE_REMEDIATION_ACTIONS), now=when
    )
    assert isinstance(outcome, Decided)
    record = outcome.action
    assert record.status is Status.APPROVED
    assert (record.decided_by, record.decided_by_email) == ("U1", "u1@example.com")
    assert record.decided_at == when
    assert record.updated_at == when


def test_reject_by_upstream_id_keeps_the_reason(db: Database) -> None:
    pending(db, "upstream-7")
    outcome = decide(
        db,
        "upstream-7",
        Status.REJECTED,
        actor("U1", Role.SECURITY_ADMINISTRATOR),
        comment="benign",
        now=NOW,
    )
    assert isinstance(outcome, Decided)
    assert outcome.action.status is Status.REJECTED
    assert outcome.action.comment == "benign"


def test_an_exact_upstream_id_is_matched_before_a_short_id(db: Database) -> None:
    pending(db, "first")
    pending(db, "A-1")  # A-2, whose upstream id looks like a short id
    outcome = decide(db, "A-1", Status.APPROVED, actor("U1", Role.GLOBAL_ADMINISTRATOR), now=NOW)
    assert isinstance(outcome, Decided)
    assert outcome.action.upstream_id == "A-1"
    assert outcome.action.short_id == "A-2"


def test_short_ids_are_case_insensitive(db: Database) -> None:
    pending(db)
    outcome = decide(db, "a-1", Status.APPROVED, actor("U1", Role.GLOBAL_ADMINISTRATOR), now=NOW)
    assert isinstance(outcome, Decided)


def test_refused_user_learns_what_is_missing_and_nothing_changes(db: Database) -> None:
    short_id = pending(
        db, type="soft-delete-email", target={"network_message_id": "n", "recipient": "r@x.io"}
    )
    outcome = decide(
        db, short_id, Status.APPROVED, actor("U2", Role.SECURITY_ADMINISTRATOR), now=NOW
    )
    assert isinstance(outcome, Refused)
    assert "Search and Purge" in outcome.verdict.explain()
    found = details_of(db, short_id)
    assert found is not None
    assert found.action.status is Status.PENDING
    assert found.action.decided_by is None
    refusal = found.trail[-1]
    assert refusal.kind == "refused"
    assert refusal.actor == "U2"
    assert refusal.roles == ("security-administrator",)
    assert refusal.status_before == "pending"
    assert refusal.reason is not None
    assert "Search and Purge" in refusal.reason


def test_permission_is_checked_before_saying_it_was_decided(db: Database) -> None:
    short_id = pending(db)
    decide(db, short_id, Status.APPROVED, actor("U1", Role.GLOBAL_ADMINISTRATOR), now=NOW)
    outcome = decide(db, short_id, Status.REJECTED, actor("U9", Role.SECURITY_READER), now=NOW)
    assert isinstance(outcome, Refused)


def test_email_collaboration_only_is_refused_with_the_note(db: Database) -> None:
    short_id = pending(db)
    outcome = decide(
        db,
        short_id,
        Status.APPROVED,
        actor("U3", Role.SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION),
        now=NOW,
    )
    assert isinstance(outcome, Refused)
    assert "Entra ID" in outcome.verdict.explain()


def test_already_decided_names_the_winner(db: Database) -> None:
    short_id = pending(db)
    first = NOW + timedelta(minutes=1)
    decide(db, short_id, Status.REJECTED, actor("U1", Role.GLOBAL_ADMINISTRATOR), now=first)
    outcome = decide(
        db,
        short_id,
        Status.APPROVED,
        actor("U2", Role.SECURITY_ADMINISTRATOR),
        now=NOW + timedelta(minutes=2),
    )
    assert isinstance(outcome, AlreadyDecided)
    assert outcome.action.status is Status.REJECTED
    assert outcome.action.decided_by == "U1"
    assert outcome.action.decided_at == first
    found = details_of(db, short_id)
    assert found is not None
    assert [e.kind for e in found.trail] == ["ingested", "rejected", "too-late"]
    assert found.trail[-1].actor == "U2"
    assert found.trail[-1].roles == ("security-administrator",)


@pytest.mark.parametrize("ref", ["nope", "A-99", "A-", ""])
def test_not_found_is_audited_with_the_reference(db: Database, ref: str) -> None:
    pending(db)
    outcome = decide(db, ref, Status.APPROVED, actor("U1", Role.GLOBAL_ADMINISTRATOR), now=NOW)
    assert outcome == NotFound(ref)
    with db.read() as session:
        trail = AuditRepository(session).trail(1)
        unknown = session.execute(
            select(AuditEvent.kind, AuditEvent.action_ref, AuditEvent.actor).where(
                AuditEvent.action_pk.is_(None)
            )
        ).all()
    assert [e.kind for e in trail] == ["ingested"]
    assert [tuple(row) for row in unknown] == [("unknown-action", ref, "U1")]


def test_decision_audit_row_keeps_the_roles_held(db: Database) -> None:
    short_id = pending(db)
    roles = (Role.SECURITY_READER, Role.ACTIVE_REMEDIATION_ACTIONS)
    decide(db, short_id, Status.APPROVED, actor("U1", *roles), comment="go", now=NOW)
    found = details_of(db, short_id)
    assert found is not None
    entry = found.trail[-1]
    assert (entry.kind, entry.actor, entry.actor_email) == ("approved", "U1", "u1@example.com")
    assert entry.roles == ("active-remediation-actions", "security-reader")
    assert (entry.status_before, entry.status_after, entry.reason) == ("pending", "approved", "go")
    assert entry.at == NOW
