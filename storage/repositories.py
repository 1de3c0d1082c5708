"""Data access. Repositories read and write inside the caller's transaction and never commit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Integer,
    Select,
    String,
    Table,
    any_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import TableClause

from bot.domain.catalog import ActionSource, ActionType
from bot.domain.records import ActionRecord, ActionRef, AuditEntry, CardRef, pk_from_short_id
from bot.domain.roles import Role
from bot.domain.selection import Selection
from bot.domain.statuses import Status
from storage.models import Action, AuditEvent, PostState, RoleAssignment, UserPreference
from storage.types import UTCDateTime

ACTIONS: Table = Action.__table__  # type: ignore[assignment]
AUDIT: Table = AuditEvent.__table__  # type: ignore[assignment]
_INGEST_LOCK = 0x61637462  # "actb": the advisory lock key that serializes ingests
_CHUNK = 900  # stays under SQLite's bound-parameter limit on every version we support
COPY_FROM = 500
"""On PostgreSQL, ingest writes batches of at least this many actions through COPY (bench/scale.py:
below it, creating the staging table costs more than COPY saves)."""


_C = ACTIONS.c
RECORD_COLUMNS = (
    _C.pk,
    _C.upstream_id,
    _C.type,
    _C.source,
    _C.status,
    _C.created_at,
    _C.updated_at,
    _C.target,
    _C.investigation_id,
    _C.requested_by,
    _C.details,
    _C.decided_by,
    _C.decided_by_email,
    _C.decided_at,
    _C.comment,
    _C.status_detail,
    _C.slack_channel,
    _C.slack_ts,
    _C.undo_of_pk,
)
"""The columns of an ActionRecord, in the order of its fields (see `record_of`)."""
_TYPES = {t.value: t for t in ActionType}
_SOURCES = {s.value: s for s in ActionSource}
_STATUSES = {s.value: s for s in Status}


def select_records() -> Select[Any]:
    return select(*RECORD_COLUMNS)


def record_of(row: Any) -> ActionRecord:
    """A record from a row of `select_records()`: listings build thousands, so this is lean."""
    pk, upstream_id, type_, source, status, *rest = row
    return ActionRecord(pk, upstream_id, _TYPES[type_], _SOURCES[source], _STATUSES[status], *rest)


def bulk_insert(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows, which must all name the same columns, with one executemany.

    Each column's own bind processor (time zones, JSON) is applied in one tight loop and the
    driver gets plain tuples: SQLAlchemy's per-row parameter handling would otherwise cost more
    than the database's own work in a bulk ingest (bench/ingest.py).
    """
    dialect = connection.dialect
    keys = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=keys, for_executemany=True)
    columns = []  # column by column: each processor runs over every row in one loop
    for key in keys:
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        values = [row[key] for row in rows]
        columns.append(values if process is None else [process(v) for v in values])
    if compiled.positional:
        order = [columns[keys.index(name)] for name in compiled.positiontup or ()]
        parameters: list[Any] = list(zip(*order, strict=True))
    else:
        parameters = [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]
    connection.exec_driver_sql(str(compiled), parameters)


def copy_to_staging(
    connection: Connection, table: Table, staging: str, rows: Sequence[Mapping[str, Any]]
) -> TableClause:
    """PostgreSQL: COPY rows (which must all name the same columns) into a new temporary table
    `staging` holding just those columns of `table`, dropped when the transaction ends.

    The staging table has no constraints, so COPY cannot fail on a duplicate; the caller merges
    it into `table` with one SQL statement, whose errors (a racing sender's id) SQLAlchemy
    reports as for any other statement. Values go through each column's bind processor (time
    zones, JSON), as in `bulk_insert`.
    """
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    keys = list(rows[0])
    names = ", ".join(quote(k) for k in keys)
    connection.exec_driver_sql(  # names of our own table and columns, quoted
        f"CREATE TEMPORARY TABLE {quote(staging)} ON COMMIT DROP AS"  # noqa: S608
        f" SELECT {names} FROM {quote(table.name)} WITH NO DATA"
    )
    processors = [
        _json_text
        if isinstance(table.c[k].type, JSON)
        else table.c[k].type.dialect_impl(dialect).bind_processor(dialect)
        for k in keys
    ]
    columns = []
    for key, process in zip(keys, processors, strict=True):
        values = [row[key] for row in rows]
        columns.append(values if process is None else [process(v) for v in values])
    driver = connection.connection.driver_connection
    assert driver is not None
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {quote(staging)} ({names}) FROM STDIN") as copy,
    ):
        for row in zip(*columns, strict=True):
            copy.write_row(row)
    return sql_table(staging, *(sql_column(k) for k in keys))


def _json_text(value: Any) -> str | None:
    """A JSON column's value as COPY's text: json.dumps in C, where psycopg's Json adapter would
    call it from Python for every value (a tenth of a bulk ingest's COPY)."""
    return None if value is None else json.dumps(value)


def _uses_copy(connection: Connection, rows: Sequence[object], copy_from: int | None) -> bool:
    threshold = COPY_FROM if copy_from is None else copy_from
    return connection.dialect.name == "postgresql" and len(rows) >= threshold


class ActionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- lookups -------------------------------------------------------------------------------

    def find(self, ref: ActionRef) -> ActionRecord | None:
        """An action by its upstream id (matched first, exactly) or by its short id (A-1042);
        a CardRef by its row only."""
        if isinstance(ref, CardRef):
            return None if ref.pk is None else self.get(ref.pk)
        row = self.session.execute(select_records().where(_C.upstream_id == ref)).first()
        if row is None and (pk := pk_from_short_id(ref)) is not None:
            row = self.session.execute(select_records().where(_C.pk == pk)).first()
        return None if row is None else record_of(row)

    def get(self, pk: int) -> ActionRecord | None:
        row = self.session.execute(select_records().where(_C.pk == pk)).first()
        return None if row is None else record_of(row)

    def serialize_ingests(self) -> None:
        """Make concurrent ingests take turns until this transaction ends.

        On PostgreSQL, two ingests inserting overlapping new ids in different orders would
        deadlock on the unique index, and one checking for ids another is about to insert would
        lose the race; one transaction-level advisory lock makes them wait for each other
        instead, while decisions and reads go on. SQLite's write transactions are exclusive
        already.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(select(func.pg_advisory_xact_lock(_INGEST_LOCK)))

    def rows_by_upstream_ids(
        self, upstream_ids: Sequence[str], *, for_update: bool = False
    ) -> dict[str, Any]:
        """The stored rows of these upstream ids. `for_update` locks them until the transaction
        ends (PostgreSQL; SQLite's write transactions are exclusive anyway), so that a decision
        made meanwhile cannot be overwritten by what the caller read before it."""
        found: dict[str, Any] = {}
        ordered = sorted(upstream_ids)  # every locker takes its locks in the same order
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":
            # One query with the ids as one array parameter: no limit on parameters there, and
            # chunks of 900 would cost a bulk ingest a query (and its parsing) per chunk.
            stmt = select(ACTIONS).where(
                ACTIONS.c.upstream_id == any_(bindparam("ids", ordered, type_=ARRAY(String)))
            )
            if for_update:
                stmt = stmt.order_by(ACTIONS.c.upstream_id).with_for_update()
            return {row.upstream_id: row for row in connection.execute(stmt)}
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            stmt = select(ACTIONS).where(ACTIONS.c.upstream_id.in_(chunk))
            if for_update:
                stmt = stmt.order_by(ACTIONS.c.upstream_id).with_for_update()
            rows = self.session.connection().execute(stmt)
            found.update((row.upstream_id, row) for row in rows)
        return found

    # --- writes --------------------------------------------------------------------------------

    def insert_many(
        self, rows: Sequence[Mapping[str, Any]], *, copy_from: int | None = None
    ) -> None:
        """Insert actions whose primary keys were taken with `allocate_pks`: one executemany, and
        no lookup afterwards (RETURNING in input order makes SQLAlchemy insert row by row on
        SQLite, five times slower in bulk ingest). On PostgreSQL, `copy_from` rows or more are
        COPied into a staging table and inserted from it with one INSERT ... SELECT."""
        if not rows:
            return
        connection = self.session.connection()
        if not _uses_copy(connection, rows, copy_from):
            bulk_insert(connection, ACTIONS, rows)
            return
        staging = copy_to_staging(connection, ACTIONS, "ingest_new_actions", rows)
        chosen = select(staging).order_by(staging.c.pk)
        connection.execute(insert(ACTIONS).from_select(list(rows[0]), chosen))

    def allocate_pks(self, count: int) -> list[int]:
        """`count` new primary keys, ascending. On PostgreSQL from the column's sequence; on
        SQLite after the largest one, which is safe because a write transaction there is
        exclusive (BEGIN IMMEDIATE) and actions are never deleted, so no key is ever reused."""
        connection = self.session.connection()
        if count == 0:
            return []
        if connection.dialect.name == "postgresql":
            # One row holding an array: a bulk ingest's 100,000 keys as rows would cost more
            # to fetch than to make.
            keys = connection.exec_driver_sql(
                "SELECT array_agg(k ORDER BY k) FROM (SELECT nextval(pg_get_serial_sequence("
                "'actions', 'pk')) AS k FROM generate_series(1, %(count)s)) AS n",
                {"count": count},
            ).scalar_one()
            return [int(k) for k in keys]
        largest = connection.execute(select(func.coalesce(func.max(_C.pk), 0))).scalar_one()
        return list(range(int(largest) + 1, int(largest) + 1 + count))

    def update_many(
        self, changes: Sequence[Mapping[str, Any]], *, copy_from: int | None = None
    ) -> None:
        """Apply rows of new values, each keyed by `b_pk`; every row must name the same columns.
        On PostgreSQL, `copy_from` rows or more are COPied into a staging table and applied with
        one UPDATE ... FROM."""
        if not changes:
            return
        columns = [c for c in changes[0] if c != "b_pk"]
        connection = self.session.connection()
        if _uses_copy(connection, changes, copy_from):
            keyed = [{"pk": row["b_pk"], **{c: row[c] for c in columns}} for row in changes]
            staging = copy_to_staging(connection, ACTIONS, "ingest_changed_actions", keyed)
            connection.execute(
                update(ACTIONS)
                .where(ACTIONS.c.pk == staging.c.pk)
                .values({c: staging.c[c] for c in columns})
            )
            return
        stmt = (
            update(ACTIONS)
            .where(ACTIONS.c.pk == bindparam("b_pk"))
            .values({c: bindparam(c) for c in columns})
        )
        self.session.connection().execute(stmt, list(changes))

    def decide(
        self,
        pk: int,
        status: Status,
        *,
        by: str,
        by_email: str | None,
        at: datetime,
        comment: str | None,
    ) -> bool:
        """Move a pending action to a decision. One conditional update: False when it was no longer
        pending (someone else decided first), so exactly one of any number of racing deciders wins.
        """
        result = self.session.execute(
            update(ACTIONS)
            .where(ACTIONS.c.pk == pk, ACTIONS.c.status == Status.PENDING.value)
            .values(
                status=status.value,
                decided_by=by,
                decided_by_email=by_email,
                decided_at=at,
                updated_at=at,
                comment=comment,
                post_state=_card_refresh(),
            )
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def move(
        self,
        pk: int,
        from_statuses: Iterable[Status],
        to: Status,
        *,
        at: datetime,
        detail: str | None = None,
    ) -> bool:
        """Conditionally change status; False when the action was not in one of `from_statuses`."""
        result = self.session.execute(
            update(ACTIONS)
            .where(ACTIONS.c.pk == pk, ACTIONS.c.status.in_([s.value for s in from_statuses]))
            .values(
                status=to.value, updated_at=at, status_detail=detail, post_state=_card_refresh()
            )
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    # --- listings ------------------------------------------------------------------------------

    def page(
        self, selection: Selection, now: datetime, *, limit: int, offset: int = 0
    ) -> list[ActionRecord]:
        stmt = _listing(selection, "page")
        params = {**_listing_params(selection, now), "limit": limit, "offset": offset}
        # Core execution on the session's connection: a listing needs no ORM, and skipping it
        # is most of what keeps the history page close to hand-written SQL (bench/history.py).
        return [record_of(row) for row in self.session.connection().execute(stmt, params)]

    def count(self, selection: Selection, now: datetime, *, at_most: int | None = None) -> int:
        """How many actions the listing holds; with `at_most`, counting stops there (a LIMITed
        subquery), so a total over a long history costs no more than `at_most` index entries."""
        params = _listing_params(selection, now)
        if at_most is None:
            stmt = _listing(selection, "count")
        else:
            stmt = _listing(selection, "count_at_most")
            params["at_most"] = at_most
        result = self.session.connection().execute(stmt, params)
        return int(result.scalar_one())

    def stream(
        self, selection: Selection, now: datetime, batch: int = 2000
    ) -> Iterator[ActionRecord]:
        """Every selected action, fetched in batches so memory stays flat however many there are."""
        stmt = _listing(selection, "all").execution_options(yield_per=batch)
        result = self.session.connection().execute(stmt, _listing_params(selection, now))
        for row in result:
            yield record_of(row)

    # --- the card outbox -----------------------------------------------------------------------

    def owes_cards(self, states: Sequence[str], now: datetime) -> bool:
        """Whether any card in `states` is free to deliver now (a cheap read before claiming)."""
        c = ACTIONS.c
        free = c.post_not_before.is_(None) | (c.post_not_before <= now)
        stmt = select(c.pk).where(c.post_state.in_(list(states)), free).limit(1)
        return self.session.execute(stmt).first() is not None

    def claim_cards(
        self, states: Sequence[str], now: datetime, until: datetime, limit: int
    ) -> list[ClaimedCard]:
        """Take the lease (post_not_before = `until`) on up to `limit` owed cards, oldest first.

        One conditional update: a row leased by another poster (a second replica, or a click
        refreshing its own card) no longer matches, so no card is posted or updated twice.
        """
        c = ACTIONS.c
        free = c.post_not_before.is_(None) | (c.post_not_before <= now)
        owed = (
            select(c.pk)
            .where(c.post_state.in_(list(states)), free)
            .order_by(c.pk)
            .limit(limit)
            .scalar_subquery()
        )
        stmt = (
            update(ACTIONS)
            .where(c.pk.in_(owed), c.post_state.in_(list(states)), free)
            .values(post_not_before=until)
            .returning(*RECORD_COLUMNS, c.post_attempts)
        )
        rows = sorted(self.session.execute(stmt), key=lambda row: row.pk)
        return [_claimed(row, until) for row in rows]

    def claim_card(self, pk: int, now: datetime, until: datetime) -> ClaimedCard | None:
        """Take the lease on one card if it is owed an update and nobody holds it."""
        c = ACTIONS.c
        stmt = (
            update(ACTIONS)
            .where(
                c.pk == pk,
                c.post_state == PostState.UPDATE_DUE,
                c.post_not_before.is_(None) | (c.post_not_before <= now),
            )
            .values(post_not_before=until)
            .returning(*RECORD_COLUMNS, c.post_attempts)
        )
        row = self.session.execute(stmt).first()
        return None if row is None else _claimed(row, until)

    def card_delivered(self, card: ClaimedCard, channel: str, ts: str, shown: Status) -> bool:
        """Record a posted or updated card and end the lease. If the status moved on while the
        card was on its way, the card stays owed an update."""
        c = ACTIONS.c
        result = self.session.execute(
            update(ACTIONS)
            .where(c.pk == card.action.pk, c.post_not_before == card.lease)
            .values(
                slack_channel=channel,
                slack_ts=ts,
                post_not_before=None,
                post_attempts=0,
                post_state=case(
                    (c.status == shown.value, PostState.POSTED), else_=PostState.UPDATE_DUE
                ),
            )
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def card_retry_at(self, card: ClaimedCard, not_before: datetime, *, failed: bool) -> None:
        """End the lease; the card is tried again from `not_before` on."""
        c = ACTIONS.c
        values: dict[str, Any] = {"post_not_before": not_before}
        if failed:
            values["post_attempts"] = c.post_attempts + 1
        self.session.execute(
            update(ACTIONS)
            .where(c.pk == card.action.pk, c.post_not_before == card.lease)
            .values(values)
        )

    def card_abandoned(self, card: ClaimedCard) -> None:
        """The card can never be updated (its message was deleted): stop trying."""
        c = ACTIONS.c
        self.session.execute(
            update(ACTIONS)
            .where(c.pk == card.action.pk, c.post_not_before == card.lease)
            .values(post_state=PostState.NOT_NEEDED, post_not_before=None)
        )


_ListingShape = tuple[bool, int, int, int, int, str]
_LISTINGS: dict[_ListingShape, Select[Any]] = {}


def _listing(
    selection: Selection, form: Literal["page", "count", "count_at_most", "all"]
) -> Select[Any]:
    """The statement of a listing, built once per shape of selection (how many values each
    filter has) and reused with new parameters (see `_listing_params`). One parameter per value,
    rather than an "expanding" one, spares SQLAlchemy rewriting the SQL text on every call.

    History lists actions no longer pending whose latest status change (updated_at) lies in the
    window, newest first; pending lists the pending ones, oldest first. pk breaks ties, so pages
    never overlap.
    """
    shape = (
        selection.pending,
        len(selection.statuses),
        len(selection.sources),
        len(selection.types),
        len(selection.devices),
        form,
    )
    stmt = _LISTINGS.get(shape)
    if stmt is not None:
        return stmt
    c = ACTIONS.c
    stmt = select_records()
    if selection.pending:
        stmt = stmt.where(c.status == Status.PENDING.value)
    else:
        stmt = stmt.where(c.status != Status.PENDING.value)
        stmt = stmt.where(c.updated_at >= bindparam("since"), c.updated_at <= bindparam("until"))
    for wanted, column in (
        (selection.statuses, c.status),
        (selection.sources, c.source),
        (selection.types, c.type),
        (selection.devices, c.device_name),
    ):
        if wanted:
            values: list[Any] = [bindparam(f"{column.name}_in_{n}") for n in range(len(wanted))]
            stmt = stmt.where(column.in_(values))
    if form in ("count", "count_at_most"):
        inner = stmt.with_only_columns(c.pk)
        if form == "count_at_most":
            inner = inner.limit(bindparam("at_most", type_=Integer))
        stmt = select(func.count()).select_from(inner.subquery())
    else:
        if selection.pending:
            stmt = stmt.order_by(c.created_at.asc(), c.pk.asc())
        else:
            stmt = stmt.order_by(c.updated_at.desc(), c.pk.desc())
        if form == "page":
            stmt = stmt.limit(bindparam("limit", type_=Integer)).offset(
                bindparam("offset", type_=Integer)
            )
    _LISTINGS[shape] = stmt
    return stmt


def _listing_params(selection: Selection, now: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if not selection.pending:
        params.update(since=selection.window.start(now), until=now)
    for name, wanted in (
        ("status", selection.statuses),
        ("source", selection.sources),
        ("type", selection.types),
        ("device_name", selection.devices),
    ):
        params.update((f"{name}_in_{n}", str(value)) for n, value in enumerate(sorted(wanted)))
    return params


def _claimed(row: Any, until: datetime) -> ClaimedCard:
    """A card from a row of RECORD_COLUMNS followed by post_attempts."""
    return ClaimedCard(record_of(row[:-1]), row[-1], until)


@dataclass(frozen=True)
class ClaimedCard:
    """An action whose card this poster holds the lease on until `lease`."""

    action: ActionRecord
    attempts: int
    """Failed attempts so far (for the back-off)."""
    lease: datetime


def _card_refresh() -> Any:
    """A status change leaves a posted card out of date; an unposted one is no longer owed."""

    c = ACTIONS.c
    return case(
        (c.post_state == PostState.POSTED, PostState.UPDATE_DUE),
        (c.post_state == PostState.DUE, PostState.NOT_NEEDED),
        else_=c.post_state,
    )


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        kind: str,
        at: datetime,
        *,
        action_pk: int | None = None,
        action_ref: str | None = None,
        actor: str | None = None,
        actor_email: str | None = None,
        roles: Iterable[Role] | None = None,
        status_before: Status | None = None,
        status_after: Status | None = None,
        reason: str | None = None,
    ) -> None:
        self.session.execute(
            insert(AUDIT).values(
                kind=kind,
                at=at,
                action_pk=action_pk,
                action_ref=action_ref,
                actor=actor,
                actor_email=actor_email,
                roles=None if roles is None else sorted(r.value for r in roles),
                status_before=None if status_before is None else status_before.value,
                status_after=None if status_after is None else status_after.value,
                reason=reason,
            )
        )

    def add_ingested(self, pks: Sequence[int], *, actor: str, at: datetime) -> None:
        """One 'ingested' row for each of these new actions, written by the database from the
        actions themselves (INSERT ... SELECT): a bulk ingest builds no row here."""
        if not pks:
            return
        a = ACTIONS.c
        chosen = select(
            a.pk,
            a.upstream_id,
            literal("ingested"),
            literal(at, UTCDateTime()),
            literal(actor),
            a.status,
        )
        if list(pks) == list(range(pks[0], pks[0] + len(pks))):
            chosen = chosen.where(a.pk.between(pks[0], pks[-1]))
        else:
            chosen = chosen.where(a.pk.in_(pks))
        columns = ["action_pk", "action_ref", "kind", "at", "actor", "status_after"]
        self.session.execute(insert(AUDIT).from_select(columns, chosen.order_by(a.pk)))

    def add_many(self, rows: Sequence[Mapping[str, Any]], *, copy_from: int | None = None) -> None:
        """Insert audit rows that all name the same columns; on PostgreSQL, `copy_from` rows or
        more through a COPied staging table."""
        if not rows:
            return
        connection = self.session.connection()
        if not _uses_copy(connection, rows, copy_from):
            bulk_insert(connection, AUDIT, rows)
            return
        staging = copy_to_staging(connection, AUDIT, "ingest_audit_events", rows)
        connection.execute(insert(AUDIT).from_select(list(rows[0]), select(staging)))

    def trail(self, action_pk: int) -> list[AuditEntry]:
        stmt = select(AUDIT).where(AUDIT.c.action_pk == action_pk).order_by(AUDIT.c.at, AUDIT.c.pk)
        return [
            AuditEntry(
                at=row.at,
                kind=row.kind,
                actor=row.actor,
                actor_email=row.actor_email,
                roles=tuple(row.roles or ()),
                status_before=row.status_before,
                status_after=row.status_after,
                reason=row.reason,
            )
            for row in self.session.execute(stmt)
        ]


class RoleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def roles_of(self, subjects: Iterable[str]) -> frozenset[Role]:
        stmt = select(RoleAssignment.role).where(RoleAssignment.subject.in_(list(subjects)))
        return frozenset(Role(r) for r in self.session.execute(stmt).scalars())

    def grant(self, subject: str, roles: Iterable[Role], at: datetime) -> list[Role]:
        """Grant roles not already held; returns the ones that were new."""
        held = self.roles_of([subject])
        new = [r for r in dict.fromkeys(roles) if r not in held]
        for role in new:
            self.session.add(RoleAssignment(subject=subject, role=role.value, granted_at=at))
        self.session.flush()
        return new

    def revoke(self, subject: str, roles: Iterable[Role]) -> int:
        result = self.session.execute(
            delete(RoleAssignment).where(
                RoleAssignment.subject == subject,
                RoleAssignment.role.in_([r.value for r in roles]),
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def assignments(self, subject: str | None = None) -> dict[str, frozenset[Role]]:
        stmt = select(RoleAssignment.subject, RoleAssignment.role).order_by(RoleAssignment.subject)
        if subject is not None:
            stmt = stmt.where(RoleAssignment.subject == subject)
        found: dict[str, set[Role]] = {}
        for who, role in self.session.execute(stmt):
            found.setdefault(who, set()).add(Role(role))
        return {who: frozenset(roles) for who, roles in found.items()}

    def replace_all(self, assignments: Mapping[str, Iterable[Role]], at: datetime) -> int:
        self.session.execute(delete(RoleAssignment))
        rows = [
            {"subject": who, "role": role.value, "granted_at": at}
            for who, roles in assignments.items()
            for role in dict.fromkeys(roles)
        ]
        if rows:
            self.session.execute(insert(RoleAssignment), rows)
        return len(rows)


class PreferenceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def columns_of(self, slack_user_id: str) -> list[str] | None:
        pref = self.session.get(UserPreference, slack_user_id)
        return None if pref is None else pref.columns

    def set_columns(self, slack_user_id: str, columns: list[str] | None, at: datetime) -> None:
        pref = self.session.get(UserPreference, slack_user_id)
        if pref is None:
            self.session.add(
                UserPreference(slack_user_id=slack_user_id, columns=columns, updated_at=at)
            )
        else:
            pref.columns = columns
            pref.updated_at = at
        self.session.flush()
