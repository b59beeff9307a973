"""The schema comes from migrations; models and migrations agree; HEAD is current."""
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func

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


# ------------------------------------------------------- a real file of each released revision

SCHEMA_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schema"
FIXTURE_REVISIONS = sorted(p.stem for p in SCHEMA_FIXTURES.glob("*.db"))


def _script_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    from app.db.migrate import alembic_config
    return sorted(s.revision for s in ScriptDirectory.from_config(alembic_config(None)).walk_revisions())


def test_every_revision_before_head_has_a_fixture_file():
    """A new migration needs the file of the revision it follows: make it with the program as it was
    then (tests/fixtures/schema/make.py), so the upgrade of real offices' files stays tested."""
    missing = [rev for rev in _script_revisions() if rev != HEAD and rev not in FIXTURE_REVISIONS]
    assert missing == [], (f"no fixture database for schema revision(s) {missing}: add each to REVISIONS "
                           "in tests/fixtures/schema/make.py and run it")
    assert set(FIXTURE_REVISIONS) <= set(_script_revisions())


def _rows(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table of the file (not the search index, not the version) with its columns and rows."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                            "AND name NOT LIKE 'registration_fts%' "
                                            "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'")]
        out = {}
        for t in tables:
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
            rows = con.execute(f'SELECT * FROM "{t}"').fetchall()   # WITHOUT ROWID tables too
            out[t] = (cols, sorted(rows, key=repr))
        return out
    finally:
        con.close()


@pytest.mark.parametrize("revision", FIXTURE_REVISIONS)
def test_fixture_of_each_revision_upgrades_to_head_with_its_data(revision, tmp_path):
    """The file an office has at ``revision`` (made by the program of that time, see make.py) is
    opened the way the program starts: a backup before migrating, then the upgrade to head. Every
    row of every table it had is still there with the same values, the audit chain verifies
    (``uniondesk check``), people can still sign in and the office and numbers read the same."""
    from datetime import datetime

    from sqlalchemy import select

    from app.db.models import Case, Notice, Registration
    from app.services import accounts, maintenance, settings
    path = tmp_path / "office.db"
    shutil.copyfile(SCHEMA_FIXTURES / f"{revision}.db", path)
    before = _rows(path)
    assert len(before["audit_log"][1]) >= 7 and len(before["employers"][1]) == 200

    db = open_database(path)                       # as uniondesk and the GUI open it
    try:
        assert current_revision(db) == (HEAD, True)
        report = maintenance.check(db)
        assert report.ok, "\n".join(report.lines)
        assert f"审计链：通过（共 {len(before['audit_log'][1])} 条记录）" in report.lines
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": include_name}), Base.metadata)
        assert diff == []

        after = _rows(path)
        for table, (cols, rows) in before.items():
            new_cols, new_rows = after[table]
            keep = [new_cols.index(c) for c in cols]
            assert [tuple(r[i] for i in keep) for r in new_rows] == rows, table

        assert settings.office(db).name == "北京市朝阳区总工会"
        assert settings.office(db).doc_prefix == "朝工信"
        assert accounts.sign_in(db, "admin", "demo1234", now=datetime(2026, 12, 1, 9)).role.value == "admin"
        if revision >= "0002":
            with db.read() as s:
                regs = s.scalar(select(func.count()).select_from(Registration))
                case = s.execute(select(Case).where(Case.case_no == "C2026-000003")).scalar_one()
                assert (regs, case.status, case.recovered_fen) == (50, "followed_up", 3283000)
        if revision >= "0003":
            with db.read() as s:
                docs = s.execute(select(Notice.doc_no, Notice.title).order_by(Notice.id)).all()
            # per-kind 代字 (朝工信受/转/…) from the program of 0006 on; numbers issued earlier keep theirs
            first = "朝工信受〔2026〕1号" if revision >= "0006" else "朝工信〔2026〕1号"
            assert docs[0] == (first, "受理告知书") and len(docs) == 3
    finally:
        db.close()

    backups = sorted((tmp_path / "backups").glob(f"office-before-migration-{revision}-*.db"))
    if revision == HEAD:
        assert backups == []                       # nothing to migrate, nothing copied
        return
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (revision,)
    finally:
        con.close()
    assert _rows(backups[0]) == before
