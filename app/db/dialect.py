"""The few SQL constructs that differ between SQLite and PostgreSQL, in one place. (Content
search has its own module, ``app.services.petitions.search``; the writer lock is in ``app.db.engine``.)"""
from __future__ import annotations

from sqlalchemy import Integer, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert


def name(session_or_bind: Session | Connection | Engine) -> str:
    """``"sqlite"`` or ``"postgresql"``."""
    bind = session_or_bind.get_bind() if isinstance(session_or_bind, Session) else session_or_bind
    return bind.dialect.name


def insert_or_ignore(session: Session, model) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` into ``model``'s table: a row that already exists (same
    primary key or unique value) is left as it is, also when another workstation has just
    inserted it (no unique-key error)."""
    module = postgresql if name(session) == "postgresql" else sqlite
    return module.insert(model).on_conflict_do_nothing()


def sync_id_sequences(session: Session, metadata) -> None:
    """After rows were inserted with ids chosen by the program (bulk demo data): make the next
    automatic id of every table follow the largest one there. SQLite does so by itself (its next
    rowid is max + 1); a PostgreSQL sequence does not, and the next ordinary insert would collide."""
    if name(session) != "postgresql":
        return
    for table in metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer) or pk[0].autoincrement is False:
            continue
        t, col = table.name, pk[0].name
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX({col}), 1), "
            f"MAX({col}) IS NOT NULL) FROM {t} HAVING pg_get_serial_sequence(:t, :c) IS NOT NULL"),
            {"t": t, "c": col})


def json_text(dialect_name: str, column, key: str):
    """The text value of ``key`` in a JSON object stored in a Text column (``None`` when absent)."""
    from sqlalchemy import cast, func
    from sqlalchemy.dialects.postgresql import JSONB
    if dialect_name == "postgresql":
        return cast(column, JSONB).op("->>")(key)
    return func.json_extract(column, f"$.{key}")


def json_date(dialect_name: str, column, key: str):
    """A date stored as ISO text under ``key`` of a JSON Text column, comparable with a Date column
    (SQLite keeps dates as ISO text; PostgreSQL needs the cast)."""
    from sqlalchemy import Date, cast
    value = json_text(dialect_name, column, key)
    return cast(value, Date) if dialect_name == "postgresql" else value
