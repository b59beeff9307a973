"""The audit trail: who, when, what entity, action, before and after — chained by SHA-256.

``record`` is called inside the writing service's own transaction, so an audit row exists exactly
when the change it describes was committed. ``verify`` recomputes the chain: an edited, inserted or
deleted row breaks it at that row.

Outside the database, an *anchor* (the chain's length and head) is kept in the log folder
(``logs/<database file>.audit-anchor.json``) and beside every backup, so that deleting the newest
rows, or the whole trail, together with the head row is noticed too. The log folder's anchor is
moved on after every committed transaction that recorded audit rows (a small file written once per
transaction, never read back on the hot path except its own few bytes): then whatever the program
committed is anchored even when it is killed, and a change made while it is closed is found by the
next ``check``. The anchor only moves forward along the same chain: when the chain no longer contains
the anchored head, the anchor stays as it is (the evidence) until a ``restore`` resets it.

``audit_state.verify_state`` compares every audited row with what its audit rows last recorded:
for each entity the ``after`` values are folded in order (``after`` None with a ``before`` means
the row was deleted) and compared, column by column, with the row in its table
(``audit_state.AUDITED_TABLES``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, or_, select, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import AuditHead, AuditLog, User
from app.domain import clock
from app.domain.actor import Actor
from app.domain.permissions import Perm
from app.paths import default_data_dir

from .access import check_account, require


GENESIS = "0" * 64


_PG_LOCK_KEY = 715_0001


_log = logging.getLogger(__name__)


SECRET_FIELDS = {"password_hash": "password"}


_SECRET_KEYS = {key: column for column, key in SECRET_FIELDS.items()}


def secret_digest(value: Any) -> str | None:
    if value is None:
        return None
    return "sha256:" + hashlib.sha256(str(value).encode("utf-8")).hexdigest()[:32]


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
    """Append one audit row in the caller's transaction (which must be a ``db.write()``).

    Every write passes here inside its transaction, so this is where the actor's account is
    re-checked (``access.check_account``): a user disabled, locked or given another role since
    signing in gets AccountRevoked and the caller's whole unit of work rolls back."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    check_account(session, actor)
    head = session.get(AuditHead, 1)
    prev = head.last_hash if head else GENESIS
    at = clock.now()
    before, after = _hide_secrets(before), _hide_secrets(after)
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
    _advance_anchor(session, prev, row.id, h)


def _hide_secrets(data: dict | None) -> dict | None:
    if not data or not SECRET_FIELDS & data.keys():
        return data
    return {SECRET_FIELDS.get(k, k): secret_digest(v) if k in SECRET_FIELDS else v
            for k, v in data.items()}


@dataclass(frozen=True)
class ChainProblem:
    audit_id: int | None
    message: str


def verify(db: Database, limit: int = 20, anchor: Anchor | None = None) -> list[ChainProblem]:
    """Recompute the whole chain; return up to ``limit`` problems (empty when intact). With an
    ``anchor`` (the log folder's or a backup's), the chain must be at least that long and hold the
    anchored head at the anchored position."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    last_id = None
    n = 0
    with db.read() as s:
        rows = s.execute(select(AuditLog).order_by(AuditLog.id)).scalars()
        for r in rows.yield_per(2000):
            n += 1
            if r.prev_hash != prev:
                problems.append(ChainProblem(r.id, f"审计记录 #{r.id} 之前的记录被删除或改动"))
            expect = row_hash(r.prev_hash, r.at, r.user_id, r.username, r.entity, r.entity_id,
                              r.action, r.before, r.after)
            if expect != r.hash:
                problems.append(ChainProblem(r.id, f"审计记录 #{r.id} 的内容被改动"))
            if anchor is not None and n == anchor.length and (r.id, r.hash) != (anchor.head_id,
                                                                                 anchor.head_hash):
                problems.append(ChainProblem(r.id, f"第 {n} 条审计记录（#{r.id}）与锚点（{anchor.at}）"
                                                   f"记录的 #{anchor.head_id}（{anchor.head_hash[:8]}）不同："
                                                   "审计链被改写或整体替换"))
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
        if anchor is not None and n < anchor.length:
            problems.append(ChainProblem(None, f"审计链只有 {n} 条记录，少于锚点（{anchor.at}）记录的 "
                                               f"{anchor.length} 条：最新的审计记录被删除"))
        if last_id is None:
            users = s.scalar(select(func.count()).select_from(User)) or 0
            if users:
                problems.append(ChainProblem(None, f"审计链为空，但数据库中有 {users} 个用户："
                                                   "审计记录被整体删除"))
    return problems


ANCHOR_SUFFIX = ".audit-anchor.json"


@dataclass(frozen=True)
class Anchor:
    """The chain's length and the id and hash of its newest row, as seen at ``at`` (ISO time)."""
    length: int
    head_id: int | None
    head_hash: str
    at: str = ""

    @property
    def fingerprint(self) -> str:
        return f"{self.head_hash[:8]}-{self.length}"


def anchor_path(url: URL) -> Path | None:
    """Where the log folder keeps the anchor of the database at ``url`` (None: in-memory)."""
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        p = Path(url.database)
        return p.parent / "logs" / (p.name + ANCHOR_SUFFIX)
    ident = hashlib.sha256(url.render_as_string(hide_password=True).encode("utf-8")).hexdigest()[:8]
    return default_data_dir() / "logs" / f"{url.database or 'server'}-{ident}{ANCHOR_SUFFIX}"


def sidecar_path(backup_file: Path) -> Path:
    """The anchor written beside a backup file."""
    return backup_file.with_name(backup_file.name + ANCHOR_SUFFIX)


def read_anchor(path: Path) -> Anchor | None:
    """The anchor in ``path``; None when there is none. Raises ValueError when it is unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Anchor(length=int(data["length"]), head_id=data["head_id"],
                      head_hash=str(data["head_hash"]), at=str(data.get("at", "")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ValueError(f"锚点文件 {path} 无法读取（{e}）") from e


def write_anchor(path: Path, anchor: Anchor) -> None:
    """Replace ``path`` in one rename (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    body = json.dumps({"length": anchor.length, "head_id": anchor.head_id,
                       "head_hash": anchor.head_hash,
                       "at": anchor.at or clock.now().isoformat(timespec="seconds")},
                      ensure_ascii=False)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # owner only, like the data
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(body)
    os.replace(tmp, path)


def _anchor_now(session: Session) -> Anchor:
    n = session.scalar(select(func.count()).select_from(AuditLog)) or 0
    last = session.execute(select(AuditLog.id, AuditLog.hash).order_by(AuditLog.id.desc())
                           .limit(1)).first()
    return Anchor(n, last[0] if last else None, last[1] if last else GENESIS,
                  clock.now().isoformat(timespec="seconds"))


def current_anchor(db: Database) -> Anchor:
    """The chain's length and newest row as the database has them now."""
    with db.read() as s:
        return _anchor_now(s)


def fingerprint(db: Database) -> str:
    """A short print of the trail for reports and exports: the first 8 hex digits of the newest
    audit row's hash and the number of rows, e.g. ``3f2a9c1e-1234``. A later trail that still
    contains this one shows the same hash at that position."""
    return current_anchor(db).fingerprint


def anchor_of_file(path: Path) -> Anchor:
    """The anchor of a SQLite file that is not open (a backup just written), read-only."""
    import sqlite3
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        n = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        last = con.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return Anchor(n, last[0] if last else None, last[1] if last else GENESIS,
                  clock.now().isoformat(timespec="seconds"))


def reset_anchor(db: Database) -> Anchor | None:
    """Anchor the log folder at the chain as it is now (after a restore: the restored trail is the
    one to follow from here). Returns the anchor that was there before, if any was readable."""
    path = anchor_path(db.url)
    if path is None:
        return None
    try:
        old = read_anchor(path)
    except ValueError:
        old = None
    write_anchor(path, current_anchor(db))
    return old


def _advance_anchor(session: Session, prev_hash: str, row_id: int, row_hash_: str) -> None:
    """Note the new head in the session; the log folder's anchor is written after the commit."""
    info = session.info
    pending = info.get("audit_anchor")
    if pending is False:
        return
    if pending is None:
        path = anchor_path(session.get_bind().url)
        base = None if path is None else _length_before(session, path, prev_hash, row_id)
        if base is None:
            info["audit_anchor"] = False
            return
        pending = info["audit_anchor"] = {"path": path, "length": base}
        if not info.get("audit_anchor_listening"):
            info["audit_anchor_listening"] = True
            event.listen(session, "after_commit", _write_pending)
            event.listen(session, "after_rollback", lambda s: s.info.pop("audit_anchor", None))
    pending["length"] += 1
    pending["head_id"], pending["head_hash"] = row_id, row_hash_


def _length_before(session: Session, path: Path, prev_hash: str, row_id: int) -> int | None:
    """Rows in the chain before the one just added, found cheaply from the log folder's anchor;
    None when the chain no longer holds the anchored head (the anchor is then left alone)."""
    try:
        old = read_anchor(path)
    except ValueError:
        old = None
    if old is None:
        return session.scalar(select(func.count()).select_from(AuditLog)
                              .where(AuditLog.id < row_id)) or 0
    if old.head_hash == prev_hash and old.length > 0:
        return old.length                      # the usual case: the anchor is the current head
    if old.length == 0:
        return session.scalar(select(func.count()).select_from(AuditLog)
                              .where(AuditLog.id < row_id)) or 0
    held = session.scalar(select(AuditLog.hash).where(AuditLog.id == old.head_id))
    if held != old.head_hash:
        _log.warning("audit chain no longer holds the anchored head #%s; anchor kept", old.head_id)
        return None
    return old.length + (session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.id > old.head_id, AuditLog.id < row_id)) or 0)


def _write_pending(session: Session) -> None:
    pending = session.info.pop("audit_anchor", None)
    if not pending:
        return
    try:
        write_anchor(pending["path"], Anchor(pending["length"], pending["head_id"],
                                             pending["head_hash"]))
    except OSError as e:  # the change is committed; a missing anchor only weakens the next check
        _log.warning("cannot write the audit anchor %s: %s", pending["path"], e)


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


ENTITY_LABELS = {
    "user": "用户", "setting": "设置", "calendar": "节假日日历", "person": "人员",
    "employer": "单位", "database": "数据库", "registration": "登记", "case": "案件",
    "notice": "告知书", "hardship_file": "困难职工档案", "assistance": "帮扶记录",
    "campaign": "帮扶活动", "fund": "资金", "fund_allocation": "资金拨入",
    "plan": "互助保障计划", "enrollment": "参保",
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
    # hardship ledger
    "confirm_category": "确认困难类别", "screen": "初审", "investigate": "入户调查", "publicize": "公示",
    "objection": "公示异议", "send_back": "退回", "reject": "不予建档",
    "review": "复核", "change_category": "类别变更", "close": "出档", "propose": "申请帮扶",
    # both ledgers (the 对象 column says which: 帮扶记录 or 理赔)
    "approve": "审批通过", "refuse": "不予批准/不予给付", "pay": "发放/给付",
}


FIELD_LABELS = {
    "username": "用户名", "display_name": "姓名", "role": "角色", "active": "启用",
    "must_change_password": "须修改密码", "failed_count": "连续输错次数", "locked_until": "锁定至",
    "locked": "已锁定", "reason": "原因", "value": "值", "file": "文件", "saved": "原数据库另存为",
    "anchor_before": "原审计指纹", "password": "密码（摘要）",
    "acknowledged_at": "确认时间", "note": "说明", "batch_size": "同批确认条数",
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
    if key in _SECRET_KEYS:
        return "（已记录摘要，不显示）"
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
