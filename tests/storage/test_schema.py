"""The migration builds exactly the models' schema on both backends; upgrading is idempotent."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from storage.db import Database
from storage.migrate import is_up_to_date, upgrade
from storage.models import Base


def schema_diffs(db: Database) -> list[Any]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "target_metadata": Base.metadata}
        )
        return list(compare_metadata(context, Base.metadata))


def test_migration_matches_the_models(db: Database) -> None:
    assert schema_diffs(db) == []


def test_indexes_of_the_migration_are_the_models(db: Database) -> None:
    """compare_metadata does not look at partial-index conditions or column order; this does."""
    inspector = inspect(db.engine)
    for table in Base.metadata.sorted_tables:
        reflected = {
            ix["name"]: tuple(ix["column_names"])
            for ix in inspector.get_indexes(table.name)
            if not ix.get("duplicates_constraint")  # PostgreSQL lists unique constraints too
        }
        declared = {ix.name: tuple(c.name for c in ix.columns) for ix in table.indexes}
        assert reflected == declared, table.name


def test_upgrade_twice_is_a_no_op(db: Database) -> None:
    assert is_up_to_date(db.engine)
    before = inspect(db.engine).get_table_names()
    upgrade(db.engine)
    upgrade(db.engine)
    assert is_up_to_date(db.engine)
    assert inspect(db.engine).get_table_names() == before
    assert schema_diffs(db) == []


def test_large_tables_are_vacuumed_and_analyzed_before_they_drift_far(db: Database) -> None:
    """PostgreSQL: a hundredth of actions inserted, not the default fifth, sends autovacuum."""
    if db.is_sqlite:
        return
    with db.engine.connect() as connection:
        options = connection.execute(
            text("SELECT reloptions FROM pg_class WHERE relname = :t"), {"t": "actions"}
        ).scalar_one()
    assert "autovacuum_vacuum_insert_scale_factor=0.01" in options
    assert "autovacuum_analyze_scale_factor=0.02" in options
