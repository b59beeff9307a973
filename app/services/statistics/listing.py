"""The list behind a figure, as the 统计报表 page shows it: ``records()`` (the figure's own
definition) joined to the records' numbers and main columns. Its ``count`` is the number of records,
its ``total`` what they add up to — equal to the figure (a count, its 人次, or money in fen).
Safe from any thread; nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.db import Database
from app.db.models import Case, OutreachEvent, Person, Registration, User
from app.db.models_hardship import HardshipFile, HardshipPayment
from app.domain.hardship import AssistanceKind, FileState, HardshipCategory
from app.domain.enums import CaseStatus, Category, Channel
from app.domain.statistics import ReportPeriod, Unit, yuan_text

from . import records, table_of

_CHUNK = 500


@dataclass(frozen=True)
class RecordList:
    key: str
    label: str                      # the figure's label
    unit: Unit
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    ids: tuple[int, ...]            # registration, case or outreach event ids, row by row
    kind: str                       # "registration", "case", "outreach_event", "hardship_file", "hardship_payment"
    count: int                      # number of records
    total: int                      # what they add up to (= the figure)

    @property
    def total_text(self) -> str:
        if self.unit is Unit.MONEY:
            return f"{yuan_text(self.total)} 元"
        if self.unit is Unit.PERSONS:
            return f"{self.total} 人次"
        return str(self.total)


def _in_chunks(s, q_for, ids):
    out = {}
    for i in range(0, len(ids), _CHUNK):
        for row in s.execute(q_for(ids[i:i + _CHUNK])):
            out[row[0]] = row
    return out


def record_list(db: Database, key: str, period: ReportPeriod, as_of: date, *,
                group: str | None = None, value: Any = None) -> RecordList:
    table = table_of(key)
    fig = table.figure(key)
    recs = records(db, key, period, as_of, group=group, value=value)
    ids = [r.id for r in recs]
    amounts = {r.id: r.amount for r in recs}
    show_amount = fig.unit in (Unit.PERSONS, Unit.MONEY)
    amount_col = ("人次",) if fig.unit is Unit.PERSONS else ("金额（元）",) if show_amount else ()

    def amount(i: int) -> tuple[str, ...]:
        if not show_amount:
            return ()
        return (yuan_text(amounts[i]),) if fig.unit is Unit.MONEY else (str(amounts[i]),)

    R, C, E = Registration, Case, OutreachEvent
    with db.read() as s:
        if table.name == "hardship_files":
            kind = "hardship_file"
            cols = ("档案编号", "申请人", "状态", "困难类别", "建档日期", "出档日期")
            F = HardshipFile
            found = _in_chunks(s, lambda chunk: (
                select(F.id, F.file_no, Person.name, F.state, F.category, F.filed_on, F.closed_on)
                .join(Person, Person.id == F.person_id).where(F.id.in_(chunk))), ids)
            rows = [(f[1], f[2], FileState.label_of(f[3]), HardshipCategory.label_of(f[4]) if f[4] else "",
                     f[5].isoformat() if f[5] else "", f[6].isoformat() if f[6] else "")
                    for f in (found[i] for i in ids)]
        elif table.name == "hardship_payments":
            kind = "hardship_payment"
            cols = ("记录号", "帮扶对象", "帮扶类型", "帮扶日期", "发放日期")
            Y = HardshipPayment
            found = _in_chunks(s, lambda chunk: (
                select(Y.id, Person.name, Y.kind, Y.assist_on, Y.paid_on)
                .join(Person, Person.id == Y.person_id).where(Y.id.in_(chunk))), ids)
            rows = [(str(f[0]), f[1], AssistanceKind.label_of(f[2]), f[3].isoformat(),
                     f[4].isoformat() if f[4] else "") for f in (found[i] for i in ids)]
        elif table.name == "intake_events":
            kind = "outreach_event"
            cols = ("活动日期", "主题")
            found = _in_chunks(s, lambda chunk: select(E.id, E.held_on, E.theme).where(E.id.in_(chunk)), ids)
            rows = [(found[i][1].isoformat(), found[i][2]) for i in ids]
        elif table.name == "handling":
            kind = "case"
            cols = ("案件编号", "登记编号", "收到日期", "渠道", "诉求类别", "状态", "承办", "事项摘要")
            found = _in_chunks(s, lambda chunk: (
                select(C.id, C.case_no, R.reg_no, R.received_at, R.channel, R.category, C.status,
                       User.display_name, C.assignee_name, R.summary)
                .join(R, R.id == C.registration_id).outerjoin(User, User.id == C.handler_id)
                .where(C.id.in_(chunk))), ids)
            rows = [(f[1], f[2], f[3].date().isoformat(), Channel.label_of(f[4]),
                     Category.label_of(f[5]), CaseStatus.label_of(f[6]), f[7] or f[8] or "", f[9])
                    for f in (found[i] for i in ids)]
        else:
            kind = "registration"
            cols = ("登记编号", "收到日期", "渠道", "诉求类别", "事项摘要")
            found = _in_chunks(s, lambda chunk: (
                select(R.id, R.reg_no, R.received_at, R.channel, R.category, R.summary)
                .where(R.id.in_(chunk))), ids)
            rows = [(f[1], f[2].date().isoformat(), Channel.label_of(f[3]), Category.label_of(f[4]), f[5])
                    for f in (found[i] for i in ids)]
    rows = [row + amount(i) for row, i in zip(rows, ids)]
    return RecordList(key, fig.label, fig.unit, cols + amount_col, tuple(rows), tuple(ids), kind,
                      len(ids), sum(amounts.values()))
