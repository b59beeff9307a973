"""Schema migrations (Alembic, batch mode), run at start after an automatic backup.

The newest revision is ``HEAD`` (a test checks it against the scripts), so that a database already
at head is recognised without importing Alembic: start-up stays fast.
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from app.domain.errors import UserError

from .engine import Database, to_url
from .sqlitefile import online_copy

HEAD = "0009"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def include_name(name: str | None, type_: str, parent_names) -> bool:
    """Schema objects that are not in the models on purpose: the SQLite full-text table and the
    PostgreSQL pg_trgm indexes (both made by migration 0002 for content search)."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith("registration_fts")
    if type_ == "index":
        return not (name.startswith("ix_registrations_") and name.endswith("_trgm"))
    return True


def current_revision(db: Database) -> tuple[str | None, bool]:
    """(revision or None, whether the database has any tables at all)."""
    try:
        with db.engine.connect() as conn:
            names = inspect(conn).get_table_names()
            if "alembic_version" not in names:
                return None, bool(names)
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            return (row[0] if row else None), True
    except DatabaseError as e:
        raise UserError(f"无法打开数据库 {db.display_name}：不是有效的数据库文件（{e.orig}）",
                        "not a database") from e


def alembic_config(db: Database, connection=None):
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def script_head() -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()


def is_known_revision(rev: str) -> bool:
    """Whether this program has a migration script for ``rev`` (so it can open, or upgrade, a
    database at that revision). Imports Alembic: not on the start-up path of a current database."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError
    try:
        return ScriptDirectory.from_config(alembic_config(None)).get_revision(rev) is not None
    except CommandError:
        return False


def upgrade(db: Database, target: str = "head") -> None:
    from alembic import command
    with db.engine.begin() as conn:
        command.upgrade(alembic_config(db, conn), target)


def ensure_schema(db: Database, backup_dir: Path | None = None) -> str | None:
    """Bring the database to HEAD. Returns the path of the pre-migration backup, if one was made."""
    rev, has_tables = current_revision(db)
    if rev == HEAD:
        return None
    if rev is None and has_tables:
        raise UserError(f"{db.display_name} 不是 UnionDesk 数据库（已有其他数据表）。请选择其他文件。",
                        "not a UnionDesk database")
    if rev is not None and not is_known_revision(rev):
        raise UserError(f"数据库版本 {rev} 比本程序新，请升级 UnionDesk 后再打开。",
                        "database is newer than this program")
    backup = None
    if rev is not None and db.path is not None:
        folder = backup_dir or db.data_dir / "backups"
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = folder / f"{db.path.stem}-before-migration-{rev}-{stamp}.db"
        online_copy(db.path, backup)
    upgrade(db)
    return str(backup) if backup else None


def open_database(path_or_url: str | os.PathLike | None = None, *, migrate: bool = True,
                  backup_dir: Path | None = None) -> Database:
    """Open (creating when missing) and bring to the newest schema.

    Before migrating an existing SQLite file that is behind, a copy goes to ``backups/``.
    May raise ``UserError`` when the file is not a UnionDesk database or is newer than this program.
    """
    db = Database(to_url(path_or_url))
    if migrate:
        try:
            ensure_schema(db, backup_dir=backup_dir)
        except BaseException:
            db.close()
            raise
    return db
