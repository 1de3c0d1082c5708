"""Local role assignments: granting, revoking, listing and importing them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.domain.clock import utcnow
from bot.domain.roles import Role
from bot.domain.subjects import normalize_subject
from storage.db import Database
from storage.repositories import AuditRepository, RoleRepository


def grant(db: Database, subject: str, roles: Iterable[Role], *, actor: str) -> list[Role]:
    who, now = normalize_subject(subject), utcnow()
    with db.write() as session:
        new = RoleRepository(session).grant(who, roles, now)
        if new:
            AuditRepository(session).add(
                "roles-granted", now, action_ref=who, actor=actor, roles=new
            )
    return new


def revoke(db: Database, subject: str, roles: Iterable[Role], *, actor: str) -> int:
    who, now, roles = normalize_subject(subject), utcnow(), list(roles)
    with db.write() as session:
        removed = RoleRepository(session).revoke(who, roles)
        if removed:
            AuditRepository(session).add(
                "roles-revoked", now, action_ref=who, actor=actor, roles=roles
            )
    return removed


def assignments(db: Database, subject: str | None = None) -> dict[str, frozenset[Role]]:
    who = None if subject is None else normalize_subject(subject)
    with db.read() as session:
        return RoleRepository(session).assignments(who)


def replace_all(db: Database, table: Mapping[str, Iterable[Role]], *, actor: str) -> int:
    """Make the local assignments exactly `table`; returns how many assignments now exist."""
    normalized: dict[str, list[Role]] = {}
    for subject, roles in table.items():
        normalized.setdefault(normalize_subject(subject), []).extend(roles)
    now = utcnow()
    with db.write() as session:
        count = RoleRepository(session).replace_all(normalized, now)
        AuditRepository(session).add(
            "roles-imported",
            now,
            actor=actor,
            reason=f"{count} assignment(s) for {len(normalized)} subject(s)",
        )
    return count


def roles_of(db: Database, subjects: Iterable[str]) -> frozenset[Role]:
    """The union of the roles granted to any of these subjects (email and Slack user ID)."""
    keys = []
    for s in subjects:
        try:
            keys.append(normalize_subject(s))
        except ValueError:
            continue
    with db.read() as session:
        return RoleRepository(session).roles_of(keys)
