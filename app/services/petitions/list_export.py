"""Exporting the registration and case lists to xlsx: every row a filter shows, in the list's order,
with ID numbers masked unless the office allows the role full ones (then audited), and a title
that says what the filter selected.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.db import Database
from app.db.models import Employer, Person, User
from app.domain import clock as wall_clock
from app.domain.actor import Actor
from app.domain.case_clock import DeadlineState
from app.domain.enums import CaseStatus, Category, Channel, Disposition, IssueType, ListFlag
from app.domain.privacy import mask_id

from . import search
from ..query.export import ExportResult, export_table, ticking, yesno
from .lists import (CaseFilter, ListFilter, OPEN, RegistrationFilter, count_cases,
                    count_registrations, iter_rows)


def _who_and_what(full: bool) -> list:
    """The export columns both lists share: channel, category, issues, person, ID, employer."""
    from app.output.excel import Column
    ident = (lambda r: r.id_number) if full else (lambda r: mask_id(r.id_number))
    return [
        (Column("渠道", 14), lambda r: r.channel_label),
        (Column("诉求类别", 12), lambda r: r.category_label),
        (Column("问题类型", 20), lambda r: r.issues_label),
        (Column("信访人", 10), lambda r: r.person_name),
        (Column("身份证号", 21, "code"), ident),
        (Column("单位", 24), lambda r: r.employer_name),
    ]


def _registration_export(full: bool):
    from app.output.excel import Column
    return [
        (Column("登记编号", 14), lambda r: r.reg_no),
        (Column("登记时间", 17, "datetime"), lambda r: r.received_at),
        *_who_and_what(full),
        (Column("人数", 6, "int"), lambda r: r.head_count),
        (Column(ListFlag.GROUP_VISIT.label, 8), lambda r: yesno(r.is_group)),
        (Column(ListFlag.LEADER_RECEPTION.label, 10), lambda r: yesno(r.leader_reception)),
        (Column("事项摘要", 40), lambda r: r.summary),
        (Column("处理方式", 10), lambda r: r.disposition_label),
        (Column("案件编号", 15), lambda r: r.case_no),
    ]


def _case_export(full: bool):
    from app.output.excel import Column
    return [
        (Column("案件编号", 15), lambda r: r.case_no),
        (Column("登记编号", 14), lambda r: r.reg_no),
        (Column("受理日期", 12, "date"), lambda r: r.accepted_on),
        *_who_and_what(full),
        (Column("承办", 12), lambda r: r.handler_name),
        (Column("状态", 10), lambda r: r.status_label),
        (Column("办理期限", 12, "date"), lambda r: r.due_date),
        (Column("期限状态", 10), lambda r: r.deadline_label),
        (Column("标记", 12), lambda r: r.flags_label),
        (Column("追回金额", 14, "money"), lambda r: r.recovered_fen or None),
        (Column("受益职工", 9, "int"), lambda r: r.workers_benefited or None),
        (Column("事项摘要", 40), lambda r: r.summary),
    ]


def filter_in_words(db: Database, f: ListFilter, today: date) -> str:
    """「时间：近30天（2026-10-20 至 2026-11-18）；渠道：来访；单位：甲公司」— what an export selected,
    in the labels the filter bar shows; 「全部记录」 when nothing narrows it."""
    from app.domain.enums import OPEN_STATUSES_LABEL
    from app.domain.periods import describe
    parts: list[str] = []
    if f.period:
        parts.append("时间：" + describe(f.period, today))
    elif f.date_from or f.date_to:
        start = f.date_from.isoformat() if f.date_from else "不限"
        end = f.date_to.isoformat() if f.date_to else "不限"
        parts.append(f"时间：{start} 至 {end}")
    for label, value, enum in (("渠道", f.channel, Channel), ("诉求类别", f.category, Category),
                               ("问题类型", f.issue_type, IssueType)):
        if value:
            parts.append(f"{label}：{enum.label_of(value)}")
    if isinstance(f, RegistrationFilter) and f.disposition:
        parts.append("处理方式：" + Disposition.label_of(f.disposition))
    if isinstance(f, CaseFilter):
        if f.status:
            parts.append("状态：" + (OPEN_STATUSES_LABEL if f.status == OPEN else CaseStatus.label_of(f.status)))
        if f.deadline:
            parts.append("期限：" + DeadlineState.label_of(f.deadline))
    if f.flags:
        parts.append("标记：" + "、".join(ListFlag.label_of(x) for x in f.flags))
    with db.read() as s:
        if f.employer_id is not None:
            name = s.scalar(select(Employer.name).where(Employer.id == f.employer_id))
            parts.append("单位：" + (name or f"编号 {f.employer_id}"))
        if f.person_id is not None:
            name = s.scalar(select(Person.name).where(Person.id == f.person_id))
            parts.append("信访人：" + (name or f"编号 {f.person_id}"))
        handler = getattr(f, "handler_id", None)
        if handler is not None:
            name = s.scalar(select(User.display_name).where(User.id == handler))
            parts.append("承办人：" + (name or "（无）"))
    if f.text.strip():
        parts.append(f"内容包含「{f.text.strip()}」")
    return "；".join(parts) if parts else "全部记录"


def export_xlsx(db: Database, actor: Actor, f: ListFilter, path, *, full_ids: bool = False,
                progress=None, today: date | None = None) -> ExportResult:
    """Every row the filter shows, in the list's order, to an xlsx file (worker thread; see
    ``query.export.export_table``: masked ID numbers unless the office allows the role full ones,
    then audited; the title says what the filter selected, ``filter_in_words``)."""
    from app.domain.permissions import Perm
    today = today or wall_clock.today()
    is_reg = isinstance(f, RegistrationFilter)
    hits: list = []
    if search.normalize(f.text):        # at most SEARCH_LIMIT hits: searched once, then counted
        def count() -> int:
            hits[:] = iter_rows(db, f, today=today)
            return len(hits)

        def rows(tick):
            return ticking(hits, tick)
    else:
        def count() -> int:
            return count_registrations(db, f, today) if is_reg else count_cases(db, f, today)

        def rows(tick):
            return iter_rows(db, f, today=today, progress=tick)
    return export_table(db, actor, f, path, perm=Perm.VIEW_CASES,
                        name="信访登记" if is_reg else "案件办理",
                        columns=_registration_export if is_reg else _case_export,
                        count=count, rows=rows, words=lambda: filter_in_words(db, f, today),
                        today=today, full_ids=full_ids, progress=progress)
