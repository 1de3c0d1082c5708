"""The tables: actions, their audit trail, acked clicks, local role assignments and per-user
preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(none_as_null=True)}


class PostState:
    """What the bot still owes the channel for this action: the obligation outlives restarts."""

    DUE = "due"
    """A pending action whose card has not been posted yet."""
    POSTED = "posted"
    UPDATE_DUE = "update-due"
    """The card is posted but shows an old status: it must be updated in place."""
    NOT_NEEDED = "not-needed"
    """Imported history, or an action decided before its card went out."""


_PENDING = text("status = 'pending'")
_OWED = text(f"post_state IN ('{PostState.DUE}', '{PostState.UPDATE_DUE}')")


class Action(Base):
    __tablename__ = "actions"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    upstream_id: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    """When the latest status change happened: what history windows look at."""
    ingested_at: Mapped[datetime]
    target: Mapped[dict[str, Any]]
    device_name: Mapped[str | None] = mapped_column(String(255))
    """target.device_name, lower-cased, for the device filter."""
    investigation_id: Mapped[str | None] = mapped_column(String(200))
    requested_by: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any] | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    """The Slack user ID (or CLI/API actor) who approved or rejected it."""
    decided_by_email: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)
    """The rejection reason, or the approver's note."""
    status_detail: Mapped[str | None] = mapped_column(Text)
    """What the system carrying the action out last reported."""
    post_state: Mapped[str] = mapped_column(String(12))
    post_attempts: Mapped[int] = mapped_column(Integer, default=0)
    post_not_before: Mapped[datetime | None]
    """A poster holds the action (or waits out a retry) until then."""
    slack_channel: Mapped[str | None] = mapped_column(String(40))
    slack_ts: Mapped[str | None] = mapped_column(String(40))
    undo_of_pk: Mapped[int | None] = mapped_column(ForeignKey("actions.pk"))

    __table_args__ = (
        Index(
            "ix_actions_pending",
            "created_at",
            "pk",
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        ),
        # History pages read these backwards (newest first, pk breaking ties); the trailing
        # columns make them covering for the page's count, which filters out pending actions.
        # Source, the Action center's own way to slice history, has an index of its own; type
        # and status filters are answered from the window's range of ix_actions_history (a
        # count over six months of a million actions: about 0.1 s), since two more indexes
        # would cost bulk ingest a tenth of its speed (bench/ingest.py).
        Index("ix_actions_history", "updated_at", "pk", "status", "type"),
        Index("ix_actions_source_history", "source", "updated_at", "pk", "status"),
        Index("ix_actions_device", "device_name"),
        Index("ix_actions_outbox", "pk", sqlite_where=_OWED, postgresql_where=_OWED),
    )


class AuditEvent(Base):
    """One row per ingest, decision, refused attempt, post and status report."""

    __tablename__ = "audit_events"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_pk: Mapped[int | None] = mapped_column(ForeignKey("actions.pk"), index=True)
    action_ref: Mapped[str | None] = mapped_column(String(200))
    """The reference the actor used, kept even when it named no action."""
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str | None] = mapped_column(String(200))
    actor_email: Mapped[str | None] = mapped_column(String(320))
    roles: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    """The roles the actor held at that moment."""
    status_before: Mapped[str | None] = mapped_column(String(20))
    status_after: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)


class RoleAssignment(Base):
    """A role granted locally to a subject: a lower-cased email address or a Slack user ID."""

    __tablename__ = "role_assignments"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(60))
    granted_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("subject", "role"),)


_UNANSWERED = text("answered_at IS NULL")


class AckedClick(Base):
    """An Approve click or reject submission, from its ack until its clicker was answered
    (services.clicks: a bot that dies in between answers it after its restart)."""

    __tablename__ = "acked_clicks"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    received_at: Mapped[datetime]
    user_id: Mapped[str] = mapped_column(String(40))
    team_id: Mapped[str | None] = mapped_column(String(40))
    card_ref: Mapped[str] = mapped_column(String(40))
    """The short id on the button (or in the modal) clicked."""
    decision: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    channel_id: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime]
    """The process that acked the click holds it until then; after, another takes it over."""
    answered_at: Mapped[datetime | None]

    __table_args__ = (
        Index(
            "ix_acked_clicks_unanswered",
            "lease_until",
            sqlite_where=_UNANSWERED,
            postgresql_where=_UNANSWERED,
        ),
    )


class UserPreference(Base):
    """A Slack user's own settings, such as the columns of listings."""

    __tablename__ = "user_preferences"

    slack_user_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    columns: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    updated_at: Mapped[datetime]
