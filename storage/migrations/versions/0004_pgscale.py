"""autovacuum of actions and audit_events tuned for large, append-mostly tables (PostgreSQL)

Revision ID: 0004_pgscale
Revises: 0001
Create Date: 2026-12-02 14:00:00

PostgreSQL's defaults vacuum a table after a fifth of its rows were inserted or changed, and
analyze it after a tenth: at 10,000,000 actions the planner would wait for a million new rows
before learning of them, and index-only scans would visit the heap for every page written since
the last vacuum (issue 14: a listing 6.7x slower than after VACUUM ANALYZE). A bulk ingest
refreshes both itself (services.ingest); these settings keep ordinary traffic from drifting
far: about 1% of the table between vacuums of inserted pages, 2% between analyzes.
SQLite has no autovacuum of this kind: nothing changes there.
"""

from __future__ import annotations

from alembic import op

revision = "0004_pgscale"
down_revision = "0001"
branch_labels = None
depends_on = None

_SETTINGS = {
    "actions": {
        "autovacuum_vacuum_scale_factor": "0.02",
        "autovacuum_vacuum_insert_scale_factor": "0.01",
        "autovacuum_analyze_scale_factor": "0.02",
    },
    "audit_events": {
        "autovacuum_vacuum_insert_scale_factor": "0.01",
        "autovacuum_analyze_scale_factor": "0.02",
    },
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, settings in _SETTINGS.items():
        values = ", ".join(f"{name} = {value}" for name, value in settings.items())
        op.execute(f"ALTER TABLE {table} SET ({values})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, settings in _SETTINGS.items():
        op.execute(f"ALTER TABLE {table} RESET ({', '.join(settings)})")
