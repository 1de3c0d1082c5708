"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 07:10:57.508104
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("upstream_id", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ingested_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("device_name", sa.String(length=255), nullable=True),
        sa.Column("investigation_id", sa.String(length=200), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_by_email", sa.String(length=320), nullable=True),
        sa.Column("decided_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("status_detail", sa.Text(), nullable=True),
        sa.Column("post_state", sa.String(length=12), nullable=False),
        sa.Column("post_attempts", sa.Integer(), nullable=False),
        sa.Column("post_not_before", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("slack_channel", sa.String(length=40), nullable=True),
        sa.Column("slack_ts", sa.String(length=40), nullable=True),
        sa.Column("undo_of_pk", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["undo_of_pk"], ["actions.pk"], name=op.f("fk_actions_undo_of_pk_actions")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_actions")),
        sa.UniqueConstraint("upstream_id", name=op.f("uq_actions_upstream_id")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index("ix_actions_device", ["device_name"], unique=False)
        batch_op.create_index(
            "ix_actions_history", ["updated_at", "pk", "status", "type"], unique=False
        )
        batch_op.create_index(
            "ix_actions_outbox",
            ["pk"],
            unique=False,
            sqlite_where=sa.text("post_state IN ('due', 'update-due')"),
            postgresql_where=sa.text("post_state IN ('due', 'update-due')"),
        )
        batch_op.create_index(
            "ix_actions_pending",
            ["created_at", "pk"],
            unique=False,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.create_index(
            "ix_actions_source_history", ["source", "updated_at", "pk", "status"], unique=False
        )

    op.create_table(
        "role_assignments",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("granted_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_role_assignments")),
        sa.UniqueConstraint("subject", "role", name=op.f("uq_role_assignments_subject_role")),
    )
    op.create_table(
        "user_preferences",
        sa.Column("slack_user_id", sa.String(length=40), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=True),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slack_user_id", name=op.f("pk_user_preferences")),
    )
    op.create_table(
        "audit_events",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action_pk", sa.Integer(), nullable=True),
        sa.Column("action_ref", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("actor_email", sa.String(length=320), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=True),
        sa.Column("status_before", sa.String(length=20), nullable=True),
        sa.Column("status_after", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_pk"], ["actions.pk"], name=op.f("fk_audit_events_action_pk_actions")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action_pk"), ["action_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action_pk"))

    op.drop_table("audit_events")
    op.drop_table("user_preferences")
    op.drop_table("role_assignments")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_source_history")
        batch_op.drop_index(
            "ix_actions_pending",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(
            "ix_actions_outbox",
            sqlite_where=sa.text("post_state IN ('due', 'update-due')"),
            postgresql_where=sa.text("post_state IN ('due', 'update-due')"),
        )
        batch_op.drop_index("ix_actions_history")
        batch_op.drop_index("ix_actions_device")

    op.drop_table("actions")
