"""The database: engine set-up for SQLite and PostgreSQL, and units of work.

Services open one unit of work per use case: `with db.write() as session:` commits on success and
rolls back on error; repositories never commit. On SQLite a write unit begins with BEGIN IMMEDIATE,
so two writers queue on the busy timeout instead of failing when a read lock would need upgrading.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DATABASE_URL = "sqlite:///actionbot.db"
_IMMEDIATE = "actionbot_immediate"
SQLITE_CACHE_SIZE = -32_000
"""SQLite's page cache per connection, in KiB when negative."""


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached or opened."""


def normalize_url(url: str) -> URL:
    """Turn the URLs operators write into ones SQLAlchemy can use.

    A plain postgresql:// (or postgres://) URL gets the psycopg 3 driver that we ship.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"not a database URL: {redact(url)}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database {parsed.drivername!r}: use sqlite or postgresql")
    return parsed


def redact(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def create_database_engine(url: str) -> Engine:
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        if url.database and url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # 32 MB of page cache (the default is 2 MB): a bulk ingest updates eight indexes of
        # actions at random places, and with the default cache it waits on I/O most of the time.
        cursor.execute(f"PRAGMA cache_size={SQLITE_CACHE_SIZE}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        # Straight to the driver: every unit of work passes here, and it needs no SQLAlchemy.
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """The engine and the two kinds of unit of work the services use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writes = sessionmaker(
            bind=engine.execution_options(**{_IMMEDIATE: True}), expire_on_commit=False
        )
        self._reads = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_database_engine(url))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that may write; committed when the block ends without error."""
        with self._writes() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only transaction: begun by the first query, rolled back when the block ends
        (it wrote nothing; this is cheaper than an explicit begin and commit, per listing page)."""
        with self._reads() as session:
            yield session

    def refresh_statistics(self, *tables: str) -> None:
        """PostgreSQL: VACUUM ANALYZE these tables now, outside any transaction (VACUUM cannot
        run in one). ANALYZE gives the planner the new row counts; VACUUM marks the new pages
        all-visible, without which an index-only scan must still visit the heap. On SQLite
        this does nothing."""
        if self.is_sqlite or not tables:
            return
        quote = self.engine.dialect.identifier_preparer.quote
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(quote(t) for t in tables)}")

    def ping(self) -> None:
        """Raise DatabaseUnavailable unless the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except OperationalError as exc:
            raise DatabaseUnavailable(str(exc.orig).strip().splitlines()[0]) from None

    def dispose(self) -> None:
        self.engine.dispose()
