"""maintenance.check: integrity, audit chain (edits and deletions named by id), schema version."""
import sqlite3

import pytest

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


def audit_ids(db_path):
    con = sqlite3.connect(db_path)
    try:
        return [r[0] for r in con.execute("SELECT id FROM audit_log ORDER BY id")]
    finally:
        con.close()


def tamper(db_path, sql, *params):
    con = sqlite3.connect(db_path)
    con.execute(sql, params)
    con.commit()
    con.close()


def test_clean_database_passes(audited):
    report = maintenance.check(audited)
    assert report.ok
    assert "完整性检查：通过" in report.lines
    assert "审计链：通过（共 4 条记录）" in report.lines
    assert f"数据库版本：{HEAD}（最新）" in report.lines
    assert report.lines[-1] == "检查结果：全部通过"


def test_edited_audit_row_is_named(audited, db_path):
    ids = audit_ids(db_path)
    victim = ids[1]
    tamper(db_path, "UPDATE audit_log SET after = ? WHERE id = ?", '{"value":"篡改"}', victim)
    report = maintenance.check(audited)
    assert not report.ok
    text = "\n".join(report.lines)
    assert f"审计记录 #{victim} 的内容被改动" in text
    assert "审计链：发现" in text and "完整性检查：通过" in text


def test_deleted_last_audit_row_is_detected(audited, db_path):
    last = audit_ids(db_path)[-1]
    tamper(db_path, "DELETE FROM audit_log WHERE id = ?", last)
    report = maintenance.check(audited)
    assert not report.ok
    assert f"#{last}" in "\n".join(report.lines)


def test_deleted_middle_audit_row_is_detected(audited, db_path):
    ids = audit_ids(db_path)
    tamper(db_path, "DELETE FROM audit_log WHERE id = ?", ids[1])
    report = maintenance.check(audited)
    assert not report.ok
    assert f"  - 审计记录 #{ids[2]} 之前的记录被删除或改动" in report.lines


def test_schema_behind_is_reported(audited, db_path):
    tamper(db_path, "UPDATE alembic_version SET version_num = '0000'")
    report = maintenance.check(audited)
    assert not report.ok
    assert any(line.startswith("数据库版本：0000") and HEAD in line for line in report.lines)
