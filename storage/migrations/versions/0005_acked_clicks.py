"""acked clicks: every Approve click and reject submission, from its ack until it is answered

Revision ID: 0005_acked_clicks
Revises: 0004_pgscale
Create Date: 2026-12-02 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0005_acked_clicks"
down_revision = "0004_pgscale"
branch_labels = None
depends_on = None

_UNANSWERED = sa.text("answered_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "acked_clicks",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("received_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.String(length=40), nullable=True),
        sa.Column("card_ref", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("channel_id", sa.String(length=40), nullable=True),
        sa.Column("lease_until", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_acked_clicks")),
    )
    with op.batch_alter_table("acked_clicks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_acked_clicks_unanswered",
            ["lease_until"],
            unique=False,
            sqlite_where=_UNANSWERED,
            postgresql_where=_UNANSWERED,
        )


def downgrade() -> None:
    with op.batch_alter_table("acked_clicks", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_acked_clicks_unanswered", sqlite_where=_UNANSWERED, postgresql_where=_UNANSWERED
        )
    op.drop_table("acked_clicks")
