"""Engine and session factory.

``open_database(path_or_url)`` (in ``app.db.migrate``, which builds on this module) returns a
``Database``: it creates the SQLite file when missing, backs it up and migrates it to the newest
schema when it is behind, and hands out Sessions:

* ``db.write()`` — one unit of work that writes. On SQLite the transaction starts with
  ``BEGIN IMMEDIATE`` so that two processes never deadlock on a lock upgrade; the second simply
  waits (busy timeout). On PostgreSQL it starts by taking one transaction-level advisory lock
  (``pg_advisory_xact_lock``, waiting at most the same timeout): writers from every workstation
  run one after another, as on SQLite, so the gap-free counters and the audit chain's head are
  never raced and two writers never deadlock. Commits on leaving the block, rolls back on any
  exception.
* ``db.read()`` — a read-only unit of work (deferred transaction; WAL readers never block).

Callers never keep a Session beyond the ``with`` block. Safe to use from any thread: each call
makes its own Session.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.paths import db_target, default_data_dir, default_db_path  # noqa: F401 - re-exported
from app.paths import private_dir, private_file

BUSY_TIMEOUT_S = 30


def to_url(path_or_url: str | os.PathLike | None) -> URL:
    """A SQLAlchemy URL from what ``--db`` was given: a URL, a file path, or nothing (default)."""
    target = db_target(path_or_url)
    if isinstance(target, str):
        return make_url(target)
    return URL.create("sqlite", database=str(target))


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # pysqlite's own transaction handling is switched off; we emit BEGIN ourselves (see below).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _sqlite_begin(conn) -> None:
    if conn.get_execution_options().get("immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


WRITER_LOCK_KEY = 715_0000  # the PostgreSQL advisory lock every ``db.write()`` holds


def _postgresql_begin(conn) -> None:
    if conn.get_execution_options().get("immediate"):
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_S}s'")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})")


def _private_database_file(path: Path) -> None:
    """The database file and its -wal/-shm readable by the owner only (app.paths); the default
    data folder too (a folder chosen with ``--db`` only when this makes it)."""
    path = path.absolute()
    private_dir(path.parent, tighten=path.parent == default_data_dir().absolute())
    private_file(path)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            private_file(side)


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            _private_database_file(Path(url.database))
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S,
                                                  "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if url.get_backend_name() == "postgresql":
        event.listen(engine, "begin", _postgresql_begin)
    return engine


class Database:
    """An open database. Create with ``open_database``; ``close()`` when done."""

    def __init__(self, url: URL, engine: Engine | None = None):
        self.url = url
        self.engine = engine or make_engine(url)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self.engine.execution_options(immediate=True),
                                    expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            return Path(self.url.database)
        return None

    @property
    def data_dir(self) -> Path:
        """Where backups, attachments and logs of this database live."""
        return self.path.parent if self.path else default_data_dir()

    @property
    def display_name(self) -> str:
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._writer.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
