"""Real databases for tests: a fresh SQLite file, and PostgreSQL when ACTIONBOT_TEST_POSTGRES_URL
names a server (CI always sets it; the test command in README.md starts one when it can)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.db import Database, normalize_url
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get("ACTIONBOT_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
_TABLES = ("audit_events", "acked_clicks", "role_assignments", "user_preferences", "actions")
_FRESH: set[str] = set()


def sqlite_database(directory: Path, template: Path) -> str:
    """A migrated SQLite file of its own, copied from a template migrated once per session."""
    if not template.exists():
        db = Database.from_url(f"sqlite:///{template}")
        upgrade(db.engine)
        db.dispose()
    target = directory / "actionbot.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def postgres_database(name: str) -> str:
    """A migrated PostgreSQL database named `name`, emptied; created on first use."""
    server = normalize_url(POSTGRES_URL)
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if name not in _FRESH:
            # Once per test run, start from nothing: the migration may have changed since the
            # database was made (it is edited in place until the first release).
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            _FRESH.add(name)
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = server.set(database=name).render_as_string(hide_password=False)
    db = Database.from_url(url)
    upgrade(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(_TABLES)} RESTART IDENTITY CASCADE"))
    db.dispose()
    return url


def postgres_name(worker: str | None = None) -> str:
    """The test database's name: one per pytest-xdist worker, so that workers never share one."""
    if worker is None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    base = make_url(normalize_url(POSTGRES_URL)).database or "actionbot"
    return f"{base}_test{worker}"
