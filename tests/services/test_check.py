"""maintenance.check: integrity, audit chain (edits and deletions named by id), schema version."""
import pytest
from sqlalchemy import text

from app.db.migrate import HEAD
from app.domain.enums import Role
from app.services import accounts, maintenance, settings


@pytest.fixture
def audited(db, admin):
    """A database with a few audited writes, made through the services."""
    settings.save(db, admin, {"office.name": "东城区总工会", "office.doc_prefix": "东工"})
    accounts.create_user(db, admin, "li", "李四", Role.CLERK, "secret123")
    accounts.create_user(db, admin, "wang", "王五", Role.MANAGER, "secret123")
    return db


def audit_ids(db):
    with db.read() as s:
        return list(s.scalars(text("SELECT id FROM audit_log ORDER BY id")))


def tamper(db, sql, **params):
    """Change the database behind the program's back (plain SQL on its own connection)."""
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def integrity_line(db) -> str:
    """What the integrity check says of an intact database (SQLite checks the file itself; a
    server database is left to the server)."""
    return "完整性检查：通过" if db.is_sqlite else "完整性检查：服务器数据库，由数据库服务器负责，跳过"


def test_clean_database_passes(audited):
    report = maintenance.check(audited)
    assert report.ok
    assert integrity_line(audited) in report.lines
    assert "审计链：通过（共 4 条记录）" in report.lines
    assert f"数据库版本：{HEAD}（最新）" in report.lines
    assert report.lines[-1] == "检查结果：全部通过"


def test_edited_audit_row_is_named(audited):
    ids = audit_ids(audited)
    victim = ids[1]
    tamper(audited, "UPDATE audit_log SET after = :a WHERE id = :id", a='{"value":"篡改"}', id=victim)
    report = maintenance.check(audited)
    assert not report.ok
    text = "\n".join(report.lines)
    assert f"审计记录 #{victim} 的内容被改动" in text
    assert "审计链：发现" in text and integrity_line(audited) in text


def test_deleted_last_audit_row_is_detected(audited):
    last = audit_ids(audited)[-1]
    tamper(audited, "DELETE FROM audit_log WHERE id = :id", id=last)
    report = maintenance.check(audited)
    assert not report.ok
    assert f"#{last}" in "\n".join(report.lines)


def test_deleted_middle_audit_row_is_detected(audited):
    ids = audit_ids(audited)
    tamper(audited, "DELETE FROM audit_log WHERE id = :id", id=ids[1])
    report = maintenance.check(audited)
    assert not report.ok
    assert f"  - 审计记录 #{ids[2]} 之前的记录被删除或改动" in report.lines


def test_schema_behind_is_reported(audited):
    tamper(audited, "UPDATE alembic_version SET version_num = '0000'")
    report = maintenance.check(audited)
    assert not report.ok
    assert any(line.startswith("数据库版本：0000") and HEAD in line for line in report.lines)
