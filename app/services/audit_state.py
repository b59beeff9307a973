"""The audited rows against the trail (``verify_state``): every audited table's rows as they are now,
compared with what the audit trail says they became — a change made behind the program's back
(another tool writing to the file) shows as a ``StateProblem``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import (AuditLog, Case, Employer, HotspotWarning, Notice, OutreachEvent, Person,
                           Registration, SavedFilter, SettingRow, User)
from app.db.models_hardship import HardshipAllocation, HardshipFile, HardshipFund, HardshipPayment
from app.db.models_mutual_aid import MaClaim, MaPlan

from .audit import _SECRET_KEYS, entity_label, secret_digest, to_json


AUDITED_TABLES: dict[str, Any] = {
    "user": User, "setting": SettingRow, "person": Person, "employer": Employer,
    "registration": Registration, "case": Case, "notice": Notice, "warning": HotspotWarning,
    "outreach_event": OutreachEvent, "saved_filter": SavedFilter,
    "hardship_file": HardshipFile, "assistance": HardshipPayment, "fund": HardshipFund,
    "fund_allocation": HardshipAllocation,
    "plan": MaPlan, "claim": MaClaim,                                   # mutual-aid ledger
}


UNAUDITED_COLUMNS: dict[str, frozenset[str]] = {
    "user": frozenset({"failed_count", "locked_until", "last_login_at"}),
}


@dataclass(frozen=True)
class StateProblem:
    entity: str
    entity_id: str
    table: str
    field: str | None
    audit_id: int
    message: str


@dataclass
class _Recorded:
    """What an entity's audit rows say, folded in order: each field's last value and row."""
    entity_id: str
    deleted: bool = False
    last_id: int = 0
    fields: dict[str, tuple[Any, int]] | None = None


def _folded(rows) -> Iterator[tuple[str, _Recorded]]:
    key = None
    rec: _Recorded | None = None
    for audit_id, entity, entity_id, before, after in rows:
        if (entity, entity_id) != key:
            if rec is not None:
                yield key[0], rec
            key, rec = (entity, entity_id), _Recorded(entity_id, fields={})
        a = json.loads(after) if after else None
        if isinstance(a, dict):
            rec.deleted = False
            for field, value in a.items():
                rec.fields[field] = (value, audit_id)
            rec.last_id = audit_id
        elif a is None and before:
            rec.deleted, rec.fields, rec.last_id = True, {}, audit_id
    if rec is not None:
        yield key[0], rec


def _plain(value: Any) -> Any:
    """A column's value as the audit trail's JSON would hold it (the common kinds directly: this
    runs once per audited field)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return json.loads(to_json({"v": value}))["v"]


def _same(recorded: Any, actual: Any) -> bool:
    if _plain(actual) == recorded:
        return True
    if isinstance(actual, str):  # a JSON text column (settings' value, a filter's payload …)
        try:
            return json.loads(actual) == recorded
        except ValueError:
            return False
    return False


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    text_ = str(_plain(value))
    return text_ if len(text_) <= 40 else text_[:40] + "…"


def _compare(s: Session, entity: str, batch: list[_Recorded]) -> list[StateProblem]:
    table = AUDITED_TABLES[entity].__table__
    pk = list(table.primary_key.columns)[0]
    names = [pk.name] + [c.name for c in table.c if c is not pk]
    keyed: list[tuple[Any, _Recorded]] = []
    for rec in batch:
        if isinstance(pk.type, Integer):
            if not rec.entity_id.isdigit():
                continue
            keyed.append((int(rec.entity_id), rec))
        elif isinstance(pk.type, Date):
            continue
        else:
            keyed.append((rec.entity_id, rec))
    if not keyed:
        return []
    rows = {r[0]: dict(zip(names, r)) for r in
            s.execute(select(*(table.c[n] for n in names)).where(pk.in_([k for k, _ in keyed])))}
    skip = UNAUDITED_COLUMNS.get(entity, frozenset())
    compared = set(names) - skip
    name = f"{entity_label(entity)} #{{}}（表 {table.name}）"
    out: list[StateProblem] = []
    for key, rec in keyed:
        row = rows.get(key)
        who = name.format(rec.entity_id)
        if rec.deleted:
            if row is not None:
                out.append(StateProblem(entity, rec.entity_id, table.name, None, rec.last_id,
                                        f"{who}：审计记录 #{rec.last_id} 记录已删除，但数据库中仍有这条记录"))
            continue
        if row is None:
            out.append(StateProblem(entity, rec.entity_id, table.name, None, rec.last_id,
                                    f"{who}：数据库中没有这条记录，但审计记录 #{rec.last_id} 记录它存在（被直接删除）"))
            continue
        for key, (value, audit_id) in rec.fields.items():
            field = _SECRET_KEYS.get(key, key)
            if field not in compared:
                continue
            actual = row[field]
            if key in _SECRET_KEYS:
                if secret_digest(actual) != value:
                    out.append(StateProblem(entity, rec.entity_id, table.name, field, audit_id,
                                            f"{who} 字段 {field}：与审计记录 #{audit_id} 不符（被直接改动）"))
            elif not _same(value, actual):
                out.append(StateProblem(entity, rec.entity_id, table.name, field, audit_id,
                                        f"{who} 字段 {field}：数据库中为 {_shown(actual)}，"
                                        f"审计记录 #{audit_id} 记录为 {_shown(value)}"))
    return out


def verify_state(db: Database, limit: int = 50, batch_size: int = 500) -> list[StateProblem]:
    """Every row named by an audit row equals what its audit rows last recorded (up to ``limit``
    problems). Streams the trail in entity order (the entity index) and looks the rows up in
    batches, so memory stays flat whatever the size of the trail."""
    problems: list[StateProblem] = []
    with db.read() as s:
        q = (select(AuditLog.id, AuditLog.entity, AuditLog.entity_id, AuditLog.before,
                    AuditLog.after)
             .where(AuditLog.entity.in_(list(AUDITED_TABLES)))
             .order_by(AuditLog.entity, AuditLog.entity_id, AuditLog.id)
             .execution_options(yield_per=2000))
        batch: list[_Recorded] = []
        current = None
        for entity, rec in _folded(s.execute(q)):
            if batch and (entity != current or len(batch) >= batch_size):
                problems += _compare(s, current, batch)
                batch = []
                if len(problems) >= limit:
                    return problems[:limit]
            current = entity
            batch.append(rec)
        if batch:
            problems += _compare(s, current, batch)
    return problems[:limit]
