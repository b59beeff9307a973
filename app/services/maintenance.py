"""Health check of a database: file integrity, the audit chain, the schema version.

``check`` only reads; it may take a while on a big database (integrity_check reads every page), so
the GUI runs it off the GUI thread. The command line prints ``lines`` and exits 1 when not ``ok``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError

from app.db import Database
from app.db.migrate import HEAD, current_revision
from app.domain.errors import UserError

from . import audit


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    lines: list[str] = field(default_factory=list)


def _integrity(db: Database) -> tuple[bool, list[str]]:
    if not db.is_sqlite:
        return True, ["完整性检查：服务器数据库，由数据库服务器负责，跳过"]
    try:
        with db.engine.connect() as conn:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    except DBAPIError as e:
        return False, [f"完整性检查：无法读取数据库文件（{e.orig}）"]
    lines: list[str] = []
    ok = rows == ["ok"]
    if ok:
        lines.append("完整性检查：通过")
    else:
        lines.append(f"完整性检查：发现 {len(rows)} 处损坏，请从备份恢复")
        lines += [f"  - {r}" for r in rows[:20]]
    if fk:
        ok = False
        lines.append(f"外键检查：发现 {len(fk)} 条记录引用了不存在的数据")
        lines += [f"  - 表 {r[0]} 第 {r[1]} 行 → {r[2]}" for r in fk[:20]]
    else:
        lines.append("外键检查：通过")
    return ok, lines


def _audit_chain(db: Database) -> tuple[bool, list[str]]:
    try:
        problems = audit.verify(db)
        total = audit.count(db)
    except DBAPIError as e:
        return False, [f"审计链：无法读取审计记录（{e.orig}）"]
    if not problems:
        return True, [f"审计链：通过（共 {total} 条记录）"]
    lines = [f"审计链：发现 {len(problems)} 处问题，审计记录可能被改动或删除"]
    lines += [f"  - {p.message}" for p in problems]
    return False, lines


def _schema(db: Database) -> tuple[bool, list[str]]:
    try:
        rev, _has_tables = current_revision(db)
    except UserError as e:
        return False, [f"数据库版本：{e.message}"]
    if rev == HEAD:
        return True, [f"数据库版本：{rev}（最新）"]
    return False, [f"数据库版本：{rev or '无'}，本程序需要 {HEAD}；请用本程序重新打开数据库以升级"]


def check(db: Database) -> CheckReport:
    """Integrity (SQLite), foreign keys, audit chain, migrations at head — each a line in Chinese."""
    ok = True
    lines: list[str] = []
    for part in (_integrity, _audit_chain, _schema):
        part_ok, part_lines = part(db)
        ok = ok and part_ok
        lines += part_lines
    lines.append("检查结果：全部通过" if ok else "检查结果：发现问题，请联系系统管理员，必要时从备份恢复")
    return CheckReport(ok=ok, lines=lines)
