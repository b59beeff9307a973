"""The schema comes from migrations; models and migrations agree; HEAD is current."""
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.db import open_database
from app.db.migrate import HEAD, current_revision, script_head
from app.db.models import Base
from app.domain.errors import UserError


def test_head_constant_matches_scripts():
    assert HEAD == script_head()


def test_new_database_is_at_head_and_matches_models(db):
    assert current_revision(db) == (HEAD, True)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == []


def test_sqlite_pragmas(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_calendar_seeded_on_create(db):
    with db.engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM calendar_days WHERE day LIKE '2026-%'").scalar()
        assert n > 20


def test_foreign_file_is_refused(tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE stuff (x)")
    con.commit()
    con.close()
    with pytest.raises(UserError, match="不是 UnionDesk 数据库"):
        open_database(other)


def test_not_a_database_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"hello, this is not sqlite" * 100)
    with pytest.raises(UserError, match="不是有效的数据库文件"):
        open_database(junk)


def test_newer_database_is_refused(db_path):
    db = open_database(db_path)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num='9999'")
    db.close()
    with pytest.raises(UserError, match="比本程序新"):
        open_database(db_path)
