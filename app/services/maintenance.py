"""Health check of a database: file integrity, the audit chain (against its anchor outside the
database), the audited rows against the trail, the number counters, the schema version.

``check`` only reads; it may take a while on a big database (integrity_check reads every page), so
the GUI runs it off the GUI thread. The command line prints ``lines`` and exits 1 when not ``ok``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError

from app.db import Database
from app.db.migrate import HEAD, current_revision
from app.domain.errors import UserError

from . import audit, audit_state, numbering


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
    path = audit.anchor_path(db.url)
    lines: list[str] = []
    try:
        anchor = audit.read_anchor(path) if path is not None else None
    except ValueError as e:
        anchor = None
        lines.append(f"审计锚点：{e}，无法与之核对")
    try:
        problems = audit.verify(db, anchor=anchor)
        total = audit.count(db)
    except DBAPIError as e:
        return False, [f"审计链：无法读取审计记录（{e.orig}）"]
    if anchor is not None:
        lines.append(f"审计锚点：{path}（{anchor.at}，{anchor.length} 条，指纹 {anchor.fingerprint}）")
    elif path is not None and not lines:
        lines.append(f"审计锚点：日志文件夹中没有锚点（{path}），只能核对数据库内的审计链")
    if not problems:
        return True, lines + [f"审计链：通过（共 {total} 条记录）", f"审计指纹：{audit.fingerprint(db)}"]
    lines.append(f"审计链：发现 {len(problems)} 处问题，审计记录可能被改动或删除")
    lines += [f"  - {p.message}" for p in problems]
    if anchor is not None:
        lines.append("  如果数据库是有意换成了旧的备份，请改用 uniondesk restore 恢复（会重新设定锚点）")
    return False, lines


def _audited_rows(db: Database) -> tuple[bool, list[str]]:
    try:
        problems = audit_state.verify_state(db)
    except DBAPIError as e:
        return False, [f"数据与审计记录：无法读取（{e.orig}）"]
    if not problems:
        return True, ["数据与审计记录：一致"]
    lines = [f"数据与审计记录：发现 {len(problems)} 处不一致"
             f"{'（只列出前 ' + str(len(problems)) + ' 处）' if len(problems) >= 50 else ''}，"
             "数据可能被绕过本程序直接改动"]
    lines += [f"  - {p.message}" for p in problems]
    return False, lines


def _counters(db: Database) -> tuple[bool, list[str]]:
    try:
        with db.read() as s:
            problems = numbering.counter_problems(s)
    except DBAPIError as e:
        return False, [f"编号计数器：无法读取（{e.orig}）"]
    if not problems:
        return True, ["编号计数器：通过"]
    return False, [f"编号计数器：发现 {len(problems)} 处问题"] + [f"  - {p}" for p in problems]


def _schema(db: Database) -> tuple[bool, list[str]]:
    try:
        rev, _has_tables = current_revision(db)
    except UserError as e:
        return False, [f"数据库版本：{e.message}"]
    if rev == HEAD:
        return True, [f"数据库版本：{rev}（最新）"]
    return False, [f"数据库版本：{rev or '无'}，本程序需要 {HEAD}；请用本程序重新打开数据库以升级"]


def check(db: Database) -> CheckReport:
    """Integrity (SQLite), foreign keys, audit chain and its anchor, audited rows against the trail,
    number counters, migrations at head — each a line in Chinese."""
    ok = True
    lines: list[str] = []
    for part in (_integrity, _audit_chain, _audited_rows, _counters, _schema):
        part_ok, part_lines = part(db)
        ok = ok and part_ok
        lines += part_lines
    lines.append("检查结果：全部通过" if ok else "检查结果：发现问题，请联系系统管理员，必要时从备份恢复")
    return CheckReport(ok=ok, lines=lines)
