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
from ..query.export import ExportResult, full_ids_allowed, ticking, yesno
from ..query.filters import filter_to_dict
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
    """Every row the filter shows, in the list's order, to an xlsx file (worker thread).

    ID numbers are masked unless ``full_ids`` is asked for by a role the office allows
    (``full_ids_allowed``; others get masked numbers and ``ExportResult.full_ids`` False). An
    export with full ID numbers is written to the audit trail (after the file is complete). The
    title says what the filter selected (``filter_in_words``). ``progress(frac, message)`` may
    raise ``Cancelled``: then no file is left behind and nothing is audited."""
    from app.domain.permissions import Perm
    from app.output.excel import write_table

    from .. import audit
    from ..access import require
    require(actor, Perm.VIEW_CASES)
    today = today or wall_clock.today()
    full_ids = bool(full_ids) and full_ids_allowed(db, actor)
    if full_ids:        # the file exists before its audit row: a revoked account gets no file
        from ..access import check_account
        with db.read() as s:
            check_account(s, actor)
    is_reg = isinstance(f, RegistrationFilter)
    spec = _registration_export(full_ids) if is_reg else _case_export(full_ids)
    if search.normalize(f.text):        # at most SEARCH_LIMIT hits: searched once, then counted
        hits = list(iter_rows(db, f, today=today))
        total, source = len(hits), (lambda tick: ticking(hits, tick))
    else:
        total = count_registrations(db, f, today) if is_reg else count_cases(db, f, today)
        source = (lambda tick: iter_rows(db, f, today=today, progress=tick))
    words = filter_in_words(db, f, today)
    title = (("信访登记" if is_reg else "案件办理") + f"（导出于 {today.isoformat()}，共 {total} 条）"
             + "　筛选条件：" + words)

    def tick(done: int) -> None:
        if progress is not None:
            progress(done / total if total else 1.0, f"已导出 {done} / {total} 条")

    rows = ([get(r) for _c, get in spec] for r in source(tick))
    n = write_table(path, title, [c for c, _g in spec], rows,
                    sheet_title="信访登记" if is_reg else "案件办理",
                    footer=f"审计指纹：{audit.fingerprint(db)}")
    if full_ids:
        with db.write() as s:
            audit.record(s, actor, "export", f.LIST, "export_full_ids", None,
                         {"rows": n, "file": str(path), "filter": filter_to_dict(f),
                          "filter_text": words})
    return ExportResult(str(path), n, full_ids)
