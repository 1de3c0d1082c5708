"""Ingest: storing actions handed over by other systems, idempotently and all-or-nothing.

An action is identified by its upstream `id`. Sending it again with identical content changes
nothing; new descriptive fields (details, investigation, requester, a later status) update it.
A different type or target for an id that is still pending is refused: someone may be about to
approve what its card shows. Nothing ever returns to pending: a status that does not lie ahead
of the stored one (an old copy re-sent) is kept as stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.domain.clock import utcnow
from bot.domain.incoming import (
    ActionIn,
    InvalidInput,
    ParsedDocument,
    RecordError,
    bulk_allocation,
    parse_document,
)
from bot.domain.records import short_id_of
from bot.domain.statuses import Status, can_reach
from storage.db import Database
from storage.models import PostState
from storage.repositories import ActionRepository, AuditRepository

_ATTEMPTS = 3
"""Ingests take turns (serialize_ingests), so a conflict can only come from another writer of
actions; looking again settles it."""
_RETRYABLE = ("40P01", "40001")  # deadlock detected, serialization failure
REFRESH_STATISTICS_FROM = 10_000
"""After an ingest that wrote this many actions, PostgreSQL's statistics and visibility map are
refreshed at once (VACUUM ANALYZE): with stale ones, the next listing after a bulk load plans
badly and cannot use index-only scans (issue 14: 260 ms instead of 39 ms), until autovacuum
comes round."""


@dataclass(frozen=True)
class IngestResult:
    new: int
    updated: int
    unchanged: int
    short_ids: list[str]
    """The bot's short ids, in input order."""
    posting: list[int] = field(default_factory=list)
    """Primary keys of actions that now owe the channel a card."""


@dataclass(eq=False)
class _State:
    """What is stored (or about to be) for one upstream id."""

    values: dict[str, Any]
    pk: int | None
    changed: bool = False
    status_before: str | None = None


def ingest(
    db: Database,
    document: ParsedDocument,
    *,
    actor: str,
    now: datetime | None = None,
    copy_from: int | None = None,
) -> IngestResult:
    """Store every action of a validated document in one transaction, or none of them.

    On PostgreSQL, batches of `copy_from` rows or more (storage.repositories.COPY_FROM unless
    given) are written through COPY; the outcome is the same either way.
    """
    now = now or utcnow()
    result = _ingest_with_retries(db, document, actor, now, copy_from)
    if result.new + result.updated >= REFRESH_STATISTICS_FROM:
        db.refresh_statistics("actions", "audit_events")
    return result


def _ingest_with_retries(
    db: Database, document: ParsedDocument, actor: str, now: datetime, copy_from: int | None
) -> IngestResult:
    for attempt in range(_ATTEMPTS):
        try:
            with bulk_allocation(), db.write() as session:
                return _ingest(session, document, actor, now, copy_from)
        except IntegrityError:
            # Another sender inserted one of these ids after we looked: look again.
            if attempt == _ATTEMPTS - 1:
                raise
        except DBAPIError as exc:
            # PostgreSQL may pick this transaction as a deadlock victim when two senders insert
            # the same new ids in different orders: the whole input is simply tried again.
            if getattr(exc.orig, "sqlstate", None) not in _RETRYABLE or attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def ingest_input(
    db: Database, data: bytes | str, *, actor: str, now: datetime | None = None
) -> IngestResult:
    """Parse and store one input (what `actionbot ingest` does); raises InvalidInput.

    Both happen in one bulk_allocation window, and the parsed document is gone by the time the
    window closes, so the garbage collector does not then scan 100,000 live actions.
    """
    with bulk_allocation():
        return ingest(db, parse_document(data), actor=actor, now=now)


def _ingest(
    session: Any, document: ParsedDocument, actor: str, now: datetime, copy_from: int | None
) -> IngestResult:
    actions = ActionRepository(session)
    actions.serialize_ingests()
    ids = list(dict.fromkeys(a.id for a in document.actions))
    stored = actions.rows_by_upstream_ids(ids, for_update=True)
    states: dict[str, _State] = {
        upstream_id: _State(_stored_values(row), row.pk, status_before=row.status)
        for upstream_id, row in stored.items()
    }
    outcomes: list[str] = []
    errors: list[RecordError] = []
    for action, position in zip(document.actions, document.positions, strict=True):
        state = states.get(action.id)
        if state is None:
            states[action.id] = _State(_new_values(action, now), None, changed=True)
            outcomes.append("new")
            continue
        try:
            changed = _merge(state.values, action, now)
        except _Refused as refusal:
            errors.append(
                RecordError(position, document.position_kind, refusal.field, str(refusal))
            )
            outcomes.append("refused")
            continue
        state.changed |= changed
        outcomes.append("updated" if changed else "unchanged")
    if errors:
        raise InvalidInput(errors)

    inserts = [s for s in states.values() if s.pk is None]  # input order: A-1 is sent first
    updates = [s for s in states.values() if s.pk is not None and s.changed]
    for state, pk in zip(inserts, actions.allocate_pks(len(inserts)), strict=True):
        state.pk = state.values["pk"] = pk
    actions.insert_many([s.values for s in inserts], copy_from=copy_from)
    actions.update_many(
        [{"b_pk": s.pk, **_mutable(s.values)} for s in updates], copy_from=copy_from
    )
    audit = AuditRepository(session)
    audit.add_ingested([_pk(s) for s in inserts], actor=actor, at=now)
    audit.add_many([_audit_row("updated", s, actor, now) for s in updates], copy_from=copy_from)
    short_ids = [short_id_of(_pk(states[a.id])) for a in document.actions]
    posting = [_pk(s) for s in inserts if s.values["post_state"] == PostState.DUE]
    return IngestResult(
        new=outcomes.count("new"),
        updated=outcomes.count("updated"),
        unchanged=outcomes.count("unchanged"),
        short_ids=short_ids,
        posting=posting,
    )


def _pk(state: _State) -> int:
    assert state.pk is not None
    return state.pk


class _Refused(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


_MUTABLE = (
    "type",
    "target",
    "device_name",
    "status",
    "updated_at",
    "investigation_id",
    "requested_by",
    "details",
    "decided_at",
    "post_state",
)


_STORED = (*_MUTABLE, "upstream_id", "created_at")


def _mutable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in _MUTABLE}


def _stored_values(row: Any) -> dict[str, Any]:
    mapping = row._mapping
    return {k: mapping[k] for k in _STORED}


def _new_values(action: ActionIn, now: datetime) -> dict[str, Any]:
    created = action.created_at or now
    pending = action.status is Status.PENDING
    target = action.target.as_dict()
    return {  # the enums' _value_: a plain attribute, where .value is a slower descriptor
        "upstream_id": action.id,
        "type": action.type._value_,
        "source": action.source._value_,
        "status": action.status._value_,
        "created_at": created,
        "updated_at": created if pending else (action.updated_at or created),
        "ingested_at": now,
        "target": target,
        "device_name": _device_key(target),
        "investigation_id": action.investigation_id,
        "requested_by": action.requested_by,
        "details": action.details,
        "decided_at": None if pending else (action.updated_at or created),
        "post_state": PostState.DUE if pending else PostState.NOT_NEEDED,
        "post_attempts": 0,
    }


def _device_key(target: dict[str, str]) -> str | None:
    name = target.get("device_name")
    return name.casefold() if name else None


def _merge(values: dict[str, Any], action: ActionIn, now: datetime) -> bool:
    """Apply a re-sent action to what is stored; True when anything changed."""
    before = dict(values)
    status = Status(values["status"])
    target = action.target.as_dict()
    if action.type.value != values["type"] or target != values["target"]:
        if status is Status.PENDING:
            field = "type" if action.type.value != values["type"] else "target"
            raise _Refused(
                field,
                f"differs from the pending action already received with id {action.id!r}; "
                "a pending action's type and target cannot change (someone may be approving "
                "what its card shows): send it under a new id",
            )
        values.update(type=action.type.value, target=target, device_name=_device_key(target))
    if action.status is not status and can_reach(status, action.status, action.type):
        reached = action.updated_at or action.created_at or now
        values.update(status=action.status.value, updated_at=reached)
        if status is Status.PENDING:
            # Whatever it reached (approved, rejected, expired, or further along), it was
            # decided then, as when such an action arrives new.
            values["decided_at"] = reached
        values["post_state"] = {
            PostState.POSTED: PostState.UPDATE_DUE,
            PostState.DUE: PostState.NOT_NEEDED,
        }.get(values["post_state"], values["post_state"])
    for name in ("investigation_id", "requested_by", "details"):
        new = getattr(action, name)
        if new is not None and new != values[name]:
            values[name] = new
    return values != before


def _audit_row(kind: str, state: _State, actor: str, now: datetime) -> dict[str, Any]:
    return {
        "kind": kind,
        "at": now,
        "action_pk": state.pk,
        "action_ref": state.values.get("upstream_id"),
        "actor": actor,
        "actor_email": None,
        "roles": None,
        "status_before": state.status_before,
        "status_after": state.values["status"],
        "reason": None,
    }
