"""The schema comes from migrations; models and migrations agree; HEAD is current."""
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.db import open_database
from app.db.migrate import HEAD, current_revision, include_name, is_known_revision, script_head
from app.db.models import Base
from app.domain.errors import UserError


def test_head_constant_matches_scripts():
    assert HEAD == script_head()


def test_known_revisions_are_those_with_a_script():
    assert is_known_revision("0001") and is_known_revision(HEAD)
    assert not is_known_revision("9999")


def test_new_database_is_at_head_and_matches_models(db):
    assert current_revision(db) == (HEAD, True)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name}),
                                Base.metadata)
    assert diff == []


@pytest.mark.sqlite_only("PRAGMA settings of the SQLite connection")
def test_sqlite_pragmas(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_calendar_seeded_on_create(db):
    with db.engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM calendar_days "
                                 "WHERE day >= '2026-01-01' AND day < '2027-01-01'").scalar()
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


def test_upgrade_from_previous_schema_keeps_data_and_backs_up(db_path, tmp_path):
    """A database made by the foundation schema (0001) is backed up, then upgraded to head. (A
    server database is not backed up by the program: that is the server's pg_dump.)"""
    from app.db.engine import Database, to_url
    from app.db.migrate import upgrade
    from app.domain.actor import SYSTEM_ACTOR
    from app.services import settings
    old = Database(to_url(db_path))
    upgrade(old, "0001")
    settings.save(old, SYSTEM_ACTOR, {"office.name": "旧库总工会"})
    old.close()
    backups = tmp_path / "bk"
    db = open_database(db_path, backup_dir=backups)
    try:
        assert current_revision(db) == (HEAD, True)
        assert settings.office(db).name == "旧库总工会"
        made = list(backups.glob("*before-migration-0001*.db"))
        if not db.is_sqlite:
            assert made == []
            return
        assert len(made) == 1
        con = sqlite3.connect(made[0])
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        con.close()
    finally:
        db.close()


@pytest.mark.sqlite_only("the FTS5 table (PostgreSQL searches the columns through pg_trgm)")
def test_fts_follows_registration_text(db):
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO registrations (reg_no, channel, received_at, head_count, is_group, "
            "representatives, category, summary, request, facts, disposition, answer, redirect_to, "
            "transfer_to, transfer_reason, earlier_documents, solved_on_site, leader_reception, "
            "leader_name, created_at, updated_at) VALUES ('2026-000001','call','2026-11-20 10:00',"
            "1,0,'[]','consult','建筑工地拖欠农民工工资','支付工资','', 'answered','','','','','',0,0,'',"
            "'2026-11-20 10:00','2026-11-20 10:00')")
        hit = conn.exec_driver_sql(
            "SELECT rowid FROM registration_fts WHERE registration_fts MATCH '\"拖欠农民工\"'").all()
        assert len(hit) == 1
        conn.exec_driver_sql("UPDATE registrations SET summary='咨询社保缴费' WHERE reg_no='2026-000001'")
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM registration_fts WHERE registration_fts MATCH '\"拖欠农民工\"'").scalar() == 0


def test_upgrade_from_0004_adds_the_case_list_indexes_and_keeps_the_cases(db_path, tmp_path):
    """0005 (issue 9, speed after a reboot): the indexes the case list reads in order are made on
    a database at 0004, its cases kept; downgrading drops them again."""
    from datetime import date, datetime

    from sqlalchemy import inspect

    from app.db.engine import Database, to_url
    from app.db.migrate import upgrade
    from app.db.models import Case
    from .test_lists import add_registration
    old = Database(to_url(db_path))
    upgrade(old, "0004")
    rid, cid = add_registration(old, received=datetime(2026, 11, 2, 9),
                                case=dict(focus=True, supervised=True, due_date=date(2026, 11, 30)))
    old.close()
    made = {"ix_cases_focus_due": ["focus", "due_date", "id"],
            "ix_cases_supervised_due": ["supervised", "due_date", "id"],
            "ix_cases_status_category": ["status", "category", "due_date"]}
    db = open_database(db_path, backup_dir=tmp_path / "bk")
    try:
        assert current_revision(db) == (HEAD, True)
        with db.engine.connect() as conn:
            have = {ix["name"]: ix["column_names"] for ix in inspect(conn).get_indexes("cases")}
        assert {name: have.get(name) for name in made} == made
        with db.read() as s:
            case = s.get(Case, cid)
            assert (case.registration_id, case.focus, case.due_date) == (rid, True, date(2026, 11, 30))
        from alembic import command

        from app.db.migrate import alembic_config
        with db.engine.begin() as conn:
            command.downgrade(alembic_config(db, conn), "0004")
        with db.engine.connect() as conn:
            assert not set(made) & {ix["name"] for ix in inspect(conn).get_indexes("cases")}
    finally:
        db.close()
