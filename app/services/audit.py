"""The audit trail: who, when, what entity, action, before and after — chained by SHA-256.

``record`` is called inside the writing service's own transaction, so an audit row exists exactly
when the change it describes was committed. ``verify`` recomputes the chain: an edited, inserted or
deleted row breaks it at that row.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import AuditHead, AuditLog
from app.domain import clock
from app.domain.actor import Actor
from app.domain.permissions import Perm

GENESIS = "0" * 64
_PG_LOCK_KEY = 715_0001


def _default(o: Any) -> Any:
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    if hasattr(o, "value"):
        return o.value
    return str(o)


def to_json(data: dict | None) -> str | None:
    if data is None:
        return None
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=_default)


def row_hash(prev_hash: str, at: datetime, user_id: int | None, username: str, entity: str,
             entity_id: str, action: str, before: str | None, after: str | None) -> str:
    payload = json.dumps([prev_hash, at.isoformat(timespec="microseconds"), user_id, username,
                          entity, entity_id, action, before, after],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session: Session, actor: Actor, entity: str, entity_id: Any, action: str,
           before: dict | None = None, after: dict | None = None) -> None:
    """Append one audit row in the caller's transaction (which must be a ``db.write()``)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    head = session.get(AuditHead, 1)
    prev = head.last_hash if head else GENESIS
    at = clock.now()
    b, a = to_json(before), to_json(after)
    eid = "" if entity_id is None else str(entity_id)
    h = row_hash(prev, at, actor.user_id, actor.username, entity, eid, action, b, a)
    row = AuditLog(at=at, user_id=actor.user_id, username=actor.username, entity=entity,
                   entity_id=eid, action=action, before=b, after=a, prev_hash=prev, hash=h)
    session.add(row)
    session.flush()
    if head is None:
        session.add(AuditHead(id=1, last_id=row.id, last_hash=h))
    else:
        head.last_id, head.last_hash = row.id, h


@dataclass(frozen=True)
class ChainProblem:
    audit_id: int | None
    message: str


def verify(db: Database, limit: int = 20) -> list[ChainProblem]:
    """Recompute the whole chain; return up to ``limit`` problems (empty when intact)."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    last_id = None
    with db.read() as s:
        rows = s.execute(select(AuditLog).order_by(AuditLog.id)).scalars()
        for r in rows.yield_per(2000):
            if r.prev_hash != prev:
                problems.append(ChainProblem(r.id, f"审计记录 #{r.id} 之前的记录被删除或改动"))
            expect = row_hash(r.prev_hash, r.at, r.user_id, r.username, r.entity, r.entity_id,
                              r.action, r.before, r.after)
            if expect != r.hash:
                problems.append(ChainProblem(r.id, f"审计记录 #{r.id} 的内容被改动"))
            prev, last_id = r.hash, r.id
            if len(problems) >= limit:
                return problems
        head = s.get(AuditHead, 1)
        if head is None and last_id is not None:
            problems.append(ChainProblem(None, "审计链头记录丢失"))
        elif head is not None and (head.last_id != last_id or head.last_hash != prev):
            problems.append(ChainProblem(head.last_id, f"审计记录 #{head.last_id} 之后的记录被删除或链头被改动"
                                         if last_id is not None and head.last_id > last_id
                                         else "审计链头与最后一条记录不一致"))
    return problems


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    username: str
    entity: str
    entity_id: str
    action: str
    before: str | None
    after: str | None


def count(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditLog)) or 0


# ---------------------------------------------------------------- browsing

# Chinese names of the entities and actions that services record; an unknown code shows as is.
ENTITY_LABELS = {
    "user": "用户", "setting": "设置", "calendar": "节假日日历", "person": "人员",
    "employer": "单位", "database": "数据库", "registration": "登记", "case": "案件",
    "notice": "告知书", "hardship_file": "困难职工档案", "assistance": "帮扶记录",
    "campaign": "帮扶活动", "fund": "资金", "plan": "互助保障计划", "enrollment": "参保",
    "claim": "理赔", "warning": "预警", "outreach_event": "走访活动", "saved_filter": "常用筛选",
    "export": "导出", "demo": "演示数据",
}
ACTION_LABELS = {
    "create": "新增", "update": "修改", "delete": "删除", "set": "设置", "clear": "清除",
    "import": "导入", "sign_in": "登录", "sign_in_failed": "登录失败", "locked": "账户锁定",
    "reset_password": "重置密码", "change_password": "修改密码", "enable": "启用",
    "disable": "停用", "backup": "备份", "restore": "恢复",
    # petition desk
    "attach": "添加附件", "acknowledge": "确认", "save": "保存", "generate": "生成",
    "export_full_ids": "导出完整身份证号", "assign": "交办", "reassign": "改派", "note": "记录进展",
    "measure": "办理措施", "result": "追回金额/受益人数", "request_extension": "申请延期",
    "approve_extension": "批准延期", "reject_extension": "不批准延期", "suspend": "中止",
    "resume": "恢复办理", "flags": "督办/重点关注", "conclude": "办结", "follow_up": "回访",
    "reopen": "重新办理", "archive": "归档",
}


# Chinese names of the keys and coded values in before/after (accounts and settings).
FIELD_LABELS = {
    "username": "用户名", "display_name": "姓名", "role": "角色", "active": "启用",
    "must_change_password": "须修改密码", "failed_count": "连续输错次数", "locked_until": "锁定至",
    "locked": "已锁定", "reason": "原因", "value": "值", "file": "文件", "saved": "原数据库另存为",
}
VALUE_LABELS = {
    "wrong_password": "密码错误", "unknown_user": "用户名不存在", "locked": "账户已锁定",
    "disabled": "账户已停用",
}


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def value_text(key: str, value: Any) -> str:
    """A before/after value for people: 是/否, role labels, reason labels, ISO times shortened."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "role":
        from app.domain.enums import Role
        return Role.label_of(value)
    if isinstance(value, str):
        if key == "reason":
            return VALUE_LABELS.get(value, value)
        if len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
            return value[:19].replace("T", " ")
    return str(value)


def entity_label(code: str) -> str:
    return ENTITY_LABELS.get(code, code)


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(db: Database, actor: Actor, *, entity: str | None = None, username: str | None = None,
           action: str | None = None, date_from: date | None = None, date_to: date | None = None,
           text: str | None = None, before_id: int | None = None,
           limit: int = 200) -> list[AuditEntry]:
    """Audit rows matching every given filter, newest first (VIEW_AUDIT).

    Keyset paging: pass the smallest id of the previous page as ``before_id`` for the next one.
    ``date_to`` is inclusive; ``text`` matches the entity id and the before/after JSON, ignoring
    the case of Latin letters on every database (SQLite's LIKE does; PostgreSQL's does not).
    """
    from .accounts import require  # accounts records audit rows: import here, not at the top
    require(actor, Perm.VIEW_AUDIT)
    q = select(AuditLog)
    if entity:
        q = q.where(AuditLog.entity == entity)
    if username:
        q = q.where(AuditLog.username == username)
    if action:
        q = q.where(AuditLog.action == action)
    if date_from is not None:
        q = q.where(AuditLog.at >= datetime.combine(date_from, time.min))
    if date_to is not None:
        q = q.where(AuditLog.at < datetime.combine(date_to + timedelta(days=1), time.min))
    if text and text.strip():
        pattern = _like(text.strip())
        q = q.where(or_(AuditLog.entity_id.ilike(pattern, escape="\\"),
                        AuditLog.before.ilike(pattern, escape="\\"),
                        AuditLog.after.ilike(pattern, escape="\\")))
    if before_id is not None:
        q = q.where(AuditLog.id < before_id)
    q = q.order_by(AuditLog.id.desc()).limit(max(1, min(int(limit), 5000)))
    with db.read() as s:
        return [AuditEntry(id=r.id, at=r.at, username=r.username, entity=r.entity,
                           entity_id=r.entity_id, action=r.action, before=r.before, after=r.after)
                for r in s.scalars(q)]

