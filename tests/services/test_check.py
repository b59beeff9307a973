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


# ---------------------------------------------------------------- issue 9: what the chain alone misses

import os  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402

from app.domain.actor import Actor  # noqa: E402
from app.services import audit, people  # noqa: E402
from app.services.petitions import registration  # noqa: E402
from app.services.petitions import cases, notice_templates, notices  # noqa: E402
from app.services.petitions.registration import RegistrationInput  # noqa: E402
from app.services.people import EmployerInput, PersonInput  # noqa: E402

NOW = datetime(2026, 11, 20, 15, 0)


@pytest.fixture
def desk(audited, admin, actors):
    """A registration that opened a case with a recovered amount, and a numbered notice — all made
    through the services, so every row has its audit rows."""
    db = audited
    employer = people.create_employer(db, admin, EmployerInput(name="北京某某电子有限公司"))
    person = people.create_person(db, admin, PersonInput(name="张三", phone="13812345678",
                                                         employer_id=employer.id))
    rec = accounts.create_user(db, admin, "worker1", "承办人王芳", Role.CASEWORKER, "secret123")
    worker = Actor(user_id=rec.id, username=rec.username, display_name=rec.display_name,
                   role=Role.CASEWORKER)
    reg = registration.register(db, actors[Role.CLERK], RegistrationInput(
        channel="visit", received_at=NOW - timedelta(minutes=30), category="complaint",
        issue_types=["wages"], summary="公司拖欠工资三个月", request="支付拖欠的工资",
        facts="自2026年8月起未发工资", disposition="accepted", person_id=person.id), now=NOW)
    cases.assign(db, actors[Role.MANAGER], reg.case_id, handler_id=worker.user_id, now=NOW)
    cases.record_result(db, worker, reg.case_id, 8_600_000, 12, now=NOW + timedelta(hours=1))
    notice = notices.issue(db, actors[Role.CLERK], "accept", case_id=reg.case_id, now=NOW + timedelta(hours=2))
    return {"db": db, "reg": reg, "case_id": reg.case_id, "notice": notice, "person": person}


def problems_text(db) -> tuple[bool, str]:
    report = maintenance.check(db)
    return report.ok, "\n".join(report.lines)


def test_desk_made_through_the_services_passes(desk):
    ok, text_ = problems_text(desk["db"])
    assert ok, text_
    assert "数据与审计记录：一致" in text_ and "编号计数器：通过" in text_


def test_deleting_the_last_row_and_repointing_the_head_is_caught_by_the_anchor(audited):
    ids = audit_ids(audited)
    tamper(audited, "DELETE FROM audit_log WHERE id = :id", id=ids[-1])
    tamper(audited, "UPDATE audit_head SET last_id = :id, last_hash = "
                    "(SELECT hash FROM audit_log WHERE id = :id)", id=ids[-2])
    assert not audit.verify(audited)  # the chain in the file alone looks whole
    ok, text_ = problems_text(audited)
    assert not ok
    assert f"审计链只有 {len(ids) - 1} 条记录，少于锚点" in text_ and f"记录的 {len(ids)} 条" in text_


def test_deleting_the_whole_trail_is_caught(audited):
    tamper(audited, "DELETE FROM audit_log")
    tamper(audited, "DELETE FROM audit_head")
    ok, text_ = problems_text(audited)
    assert not ok
    assert "审计链：通过" not in text_
    assert "少于锚点" in text_
    # even without the log folder's anchor: users without a single audit row
    audit.anchor_path(audited.url).unlink()
    ok, text_ = problems_text(audited)
    assert not ok and "审计链为空，但数据库中有" in text_


def test_a_rewritten_chain_differs_from_the_anchored_head(audited):
    """Someone rewrites the last row and recomputes its hash and the head: the chain is
    self-consistent, but the anchored head is not there any more."""
    from app.db.models import AuditLog
    last = audit_ids(audited)[-1]
    with audited.read() as s:
        r = s.get(AuditLog, last)
        new_after = r.after.replace("王五", "赵六")
        h = audit.row_hash(r.prev_hash, r.at, r.user_id, r.username, r.entity, r.entity_id,
                           r.action, r.before, new_after)
    tamper(audited, "UPDATE audit_log SET after = :a, hash = :h WHERE id = :id",
           a=new_after, h=h, id=last)
    tamper(audited, "UPDATE audit_head SET last_hash = :h", h=h)
    assert not audit.verify(audited)
    ok, text_ = problems_text(audited)
    assert not ok and f"（#{last}）与锚点" in text_ and "审计链被改写或整体替换" in text_


def test_the_anchor_moves_with_every_committed_write_and_not_after_tampering(audited, admin):
    path = audit.anchor_path(audited.url)
    before = audit.read_anchor(path)
    if os.name == "posix":
        assert path.stat().st_mode & 0o077 == 0   # owner only
    assert before.length == len(audit_ids(audited)) and before.fingerprint == audit.fingerprint(audited)
    settings.save(audited, admin, {"office.name": "西城区总工会"})
    after = audit.read_anchor(path)
    assert after.length == before.length + 1 and after.head_id == audit_ids(audited)[-1]
    # the tail cut off behind the program's back: the next write must not re-anchor the shorter chain
    ids = audit_ids(audited)
    tamper(audited, "DELETE FROM audit_log WHERE id = :id", id=ids[-1])
    tamper(audited, "UPDATE audit_head SET last_id = :id, last_hash = "
                    "(SELECT hash FROM audit_log WHERE id = :id)", id=ids[-2])
    settings.save(audited, admin, {"office.name": "海淀区总工会"})
    assert audit.read_anchor(path) == after
    ok, text_ = problems_text(audited)
    assert not ok and f"（#{ids[-1]}）与锚点" in text_


@pytest.mark.parametrize("sql, where", [
    ("UPDATE cases SET recovered_fen = 1", "表 cases） 字段 recovered_fen：数据库中为 1，审计记录"),
    ("UPDATE cases SET status = 'archived'", "表 cases） 字段 status：数据库中为 archived"),
    ("UPDATE registrations SET facts = '另一种说法'", "表 registrations） 字段 facts：数据库中为 另一种说法"),
    ("UPDATE users SET role = 'admin' WHERE username = 'li'", "表 users） 字段 role：数据库中为 admin，审计记录"),
    ("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'wang') "
     "WHERE username = 'li'", "表 users） 字段 password_hash：与审计记录"),
    ("DELETE FROM notices", "表 notices）：数据库中没有这条记录"),
    ("UPDATE settings SET value = '\"别的单位\"' WHERE key = 'office.name'",
     "设置 #office.name（表 settings） 字段 value：数据库中为 \"别的单位\""),
])
def test_rows_edited_in_the_file_are_named(desk, sql, where):
    db = desk["db"]
    tamper(db, sql)
    ok, text_ = problems_text(db)
    assert not ok
    assert "数据与审计记录：发现" in text_ and where in text_
    assert "审计链：通过" in text_  # the trail itself is untouched: only the rows it describes


def test_lowered_counters_are_named(desk):
    db = desk["db"]
    tamper(db, "UPDATE counters SET last = 0 WHERE name = 'registration'")
    tamper(db, "DELETE FROM counters WHERE name = 'notice:accept'")
    ok, text_ = problems_text(db)
    assert not ok
    assert "编号计数器 registration 2026 年为 0，但已使用到第 1 号" in text_
    assert "编号计数器 notice:accept 2026 年为 （无），但已使用到第 1 号" in text_


def test_a_row_deleted_through_the_program_and_put_back_in_the_file_is_named(audited, admin):
    notice_templates.save_template(audited, admin, "accept", "改过的模板{summary}")
    with audited.read() as s:
        value = s.scalar(text("SELECT value FROM settings WHERE key = 'notice_template.accept'"))
    notice_templates.reset_template(audited, admin, "accept")
    assert maintenance.check(audited).ok
    tamper(audited, "INSERT INTO settings (key, value) VALUES ('notice_template.accept', :v)", v=value)
    ok, text_ = problems_text(audited)
    assert not ok
    assert "设置 #notice_template.accept（表 settings）：审计记录 #" in text_
    assert "记录已删除，但数据库中仍有这条记录" in text_


def test_the_trail_keeps_a_digest_of_the_password_hash_and_never_shows_it(audited):
    with audited.read() as s:
        row = s.scalars(text("SELECT after FROM audit_log WHERE entity = 'user' AND action = 'create' "
                             "ORDER BY id DESC LIMIT 1")).first()
        stored = s.scalar(text("SELECT password_hash FROM users WHERE username = 'wang'"))
    assert stored not in row and audit.secret_digest(stored) in row
    assert audit.value_text("password", audit.secret_digest(stored)) == "（已记录摘要，不显示）"
