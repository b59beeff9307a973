"""The file list 困难职工档案 and the assistance list 帮扶记录: filters, keyset pages, counts, export.

Contract (as the petition lists, app/services/petitions/lists.py):

* Filters are frozen dataclasses registered with the filter registry (``FileFilter`` list
  ``hardship_files``, ``PaymentFilter`` list ``hardship_payments``), so saved filters and exports find
  them; a relative period is a ``Period`` code resolved against ``today``.
* ``file_page`` / ``payment_page`` return one ``ListPage`` of at most ``limit`` rows in the sort's
  order then id, found by keyset (never OFFSET): ``after`` = rows after a row's ``key``, ``before`` =
  rows before it, ``tail=True`` = the last rows. Every sort has an index matching its ORDER BY.
* ``text``: a file number (K2026-…), an ID number prefix (≥ 6 characters) or a name prefix of the
  applicant (files) / recipient (payments).
* Counting is separate (``count_files`` / ``count_payments``: run in the background).
* ``export_files`` / ``export_payments`` write every row the filter shows to xlsx, ID numbers masked
  (``app.domain.privacy.mask_id``) unless the office lets the role export full ones (audited).
* Reads only (``Perm.VIEW_HARDSHIP`` for exports); every function opens its own Session; any thread.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Select, func, or_, select

from app.db import Database
from app.db.models import Employer, Person
from app.db.models_hardship import HardshipFile, HardshipFund, HardshipPayment
from app.domain import clock as wall_clock
from app.domain.actor import Actor
from app.domain.hardship import (OPEN_FILE_STATES, AssistanceKind, Cause, FileState, HardshipCategory,
                                 PayMethod, PaymentState, add_months, causes_text)
from app.domain.periods import describe, resolve_period
from app.domain.permissions import Perm
from app.domain.privacy import mask_id
from app.services.people_search import person_prefix_condition

from ..query.export import ExportResult, every_row, export_table
from ..query.filters import register_filter
from ..query.paging import ListPage, SortSpec, day_bounds, paged, sort_spec
from .common import rules

PAGE_SIZE = 100
OPEN = "open"                  # FileFilter.state meaning any open state (审核中 or 在档)
OPEN_LABEL = "未出档"
REVIEW_OVERDUE, REVIEW_SOON, OUT_OF_POVERTY = "overdue", "soon", "out_of_poverty"
REVIEW_CHOICES = ((REVIEW_OVERDUE, "复核已逾期"), (REVIEW_SOON, "30天内到期复核"),
                  (OUT_OF_POVERTY, "建议脱困"))
SOON_DAYS = 30
_OPEN_VALUES = tuple(sorted(st.value for st in OPEN_FILE_STATES))


@register_filter
@dataclass(frozen=True)
class FileFilter:
    category: str | None = None        # HardshipCategory code
    state: str | None = None           # FileState code, or OPEN
    cause: str | None = None           # Cause code: main or secondary
    employer_id: int | None = None
    street: str | None = None          # the employer's street 所在街道
    review: str | None = None          # REVIEW_OVERDUE / REVIEW_SOON / OUT_OF_POVERTY
    period: str | None = None          # Period code on the date applied; wins over the dates
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    sort: str = "file_no"              # a key of FILE_SORTS
    descending: bool = True

    LIST = "hardship_files"
    PERM = Perm.VIEW_HARDSHIP          # who may see the list (and keep saved filters of it)


@register_filter
@dataclass(frozen=True)
class PaymentFilter:
    kind: str | None = None            # AssistanceKind code
    fund_id: int | None = None
    state: str | None = None           # PaymentState code
    period: str | None = None          # Period code on the assistance date; wins over the dates
    date_from: date | None = None
    date_to: date | None = None
    file_id: int | None = None
    person_id: int | None = None
    campaign_id: int | None = None
    text: str = ""
    sort: str = "assist_on"            # a key of PAYMENT_SORTS
    descending: bool = True

    LIST = "hardship_payments"
    PERM = Perm.VIEW_HARDSHIP


def _days(f, today: date) -> tuple[date | None, date | None]:
    return resolve_period(f.period, today) if f.period else (f.date_from, f.date_to)


@dataclass(frozen=True)
class FileRow:
    id: int
    file_no: str
    person_id: int
    person_name: str
    id_number: str
    id_masked: str
    employer_name: str
    street: str
    category: HardshipCategory | None
    category_label: str
    state: FileState
    state_label: str
    causes_label: str                  # main first
    household_size: int
    per_head_fen: int
    applied_on: date
    filed_on: date | None
    review_due: date | None
    review_overdue: bool
    key: tuple


@dataclass(frozen=True)
class PaymentRow:
    id: int
    assist_on: date
    kind: AssistanceKind
    kind_label: str
    amount_fen: int
    goods: str
    goods_value_fen: int
    total_fen: int
    fund_name: str
    state: PaymentState
    state_label: str
    person_id: int
    person_name: str
    id_number: str
    id_masked: str
    file_id: int | None
    file_no: str
    paid_on: date | None
    pay_method_label: str
    voucher_no: str
    campaign_id: int | None
    refusal_reason: str
    key: tuple


FILE_SORTS: dict[str, SortSpec] = {          # each matches an index of hardship_files
    "file_no": SortSpec((), ()),              # file numbers follow the id
    "applied": SortSpec((HardshipFile.applied_on,), (False,)),
    "review_due": SortSpec((HardshipFile.review_due,), (True,)),
}

PAYMENT_SORTS: dict[str, SortSpec] = {       # each matches an index of hardship_payments
    "assist_on": SortSpec((HardshipPayment.assist_on,), (False,)),
}


# ---- text ---------------------------------------------------------------------------------------

_FILE_NO = re.compile(r"^K\d{1,4}(-\d*)?$", re.IGNORECASE)
_ID_PREFIX = re.compile(r"^\d{6,17}[\dXx]?$")
_TOP = "\U0010ffff"


def _person_matches(db: Database, person_fk, text: str) -> list:
    """The row's person: the ID number (≥ 6 characters) or the name starts with ``text``
    (``people_search.person_prefix_condition``: few namesakes by their ids, a common surname by a
    walk in the list's own order)."""
    t = text.strip()
    column = "id_number" if _ID_PREFIX.match(t) else "name"
    with db.read() as s:
        return [person_prefix_condition(s, person_fk, column, t.upper() if column == "id_number" else t)]


# ---- the file list ------------------------------------------------------------------------------

def file_conditions(db: Database, f: FileFilter, today: date, *, months: int = 6) -> list:
    """WHERE conditions of the filter; ``months``: the office's 脱困 months (OUT_OF_POVERTY)."""
    conds: list = []
    if f.category:
        conds.append(HardshipFile.category == f.category)
    if f.state == OPEN:
        conds.append(HardshipFile.state.in_(_OPEN_VALUES))
    elif f.state:
        conds.append(HardshipFile.state == f.state)
    if f.cause:
        conds.append(or_(HardshipFile.main_cause == f.cause,
                         HardshipFile.secondary_causes.like(f"%,{f.cause},%")))
    if f.employer_id is not None:
        conds.append(HardshipFile.employer_id == f.employer_id)
    if f.street:
        conds.append(HardshipFile.employer_id.in_(select(Employer.id).where(Employer.street == f.street)))
    if f.review:
        conds.append(HardshipFile.state == FileState.ACTIVE.value)
        if f.review == REVIEW_OVERDUE:
            conds.append(HardshipFile.review_due < today)
        elif f.review == REVIEW_SOON:
            conds += [HardshipFile.review_due >= today,
                      HardshipFile.review_due <= date.fromordinal(today.toordinal() + SOON_DAYS)]
        elif f.review == OUT_OF_POVERTY:
            conds += [HardshipFile.above_line_since.is_not(None),
                      HardshipFile.above_line_since <= add_months(today, -months)]
    lo, hi = _days(f, today)
    conds += day_bounds(False, lo, hi, HardshipFile.applied_on)
    t = f.text.strip()
    if t:
        if _FILE_NO.match(t):
            conds.append(HardshipFile.file_no >= t.upper())
            conds.append(HardshipFile.file_no < t.upper() + _TOP)
        else:
            conds += _person_matches(db, HardshipFile.person_id, t)
    return conds


_FILE_COLUMNS = (HardshipFile.id, HardshipFile.file_no, HardshipFile.person_id, Person.name,
                 Person.id_number, Employer.name, Employer.street, HardshipFile.category,
                 HardshipFile.state, HardshipFile.main_cause, HardshipFile.secondary_causes,
                 HardshipFile.household_size, HardshipFile.per_head_fen, HardshipFile.applied_on,
                 HardshipFile.filed_on, HardshipFile.review_due)


def _file_select(conds: list) -> Select:
    return (select(*_FILE_COLUMNS).select_from(HardshipFile)
            .join(Person, Person.id == HardshipFile.person_id)
            .outerjoin(Employer, Employer.id == HardshipFile.employer_id)
            .where(*conds))


def _file_row(r, spec: SortSpec, today: date) -> FileRow:
    (fid, no, pid, name, idn, ename, street, cat, state, main, secondary, size, head, applied,
     filed, due) = r
    causes = [Cause(main)] + [c for c in causes_text(secondary or "") if c.value != main]
    row = FileRow(
        id=fid, file_no=no, person_id=pid, person_name=name or "", id_number=idn or "",
        id_masked=mask_id(idn), employer_name=ename or "", street=street or "",
        category=HardshipCategory(cat) if cat else None,
        category_label=HardshipCategory.label_of(cat) if cat else "待确认",
        state=FileState(state), state_label=FileState.label_of(state),
        causes_label="、".join(c.label for c in causes), household_size=size, per_head_fen=head,
        applied_on=applied, filed_on=filed, review_due=due,
        review_overdue=state == FileState.ACTIVE.value and due is not None and due < today, key=())
    values = {"applied_on": applied, "review_due": due}
    return replace(row, key=tuple(values[c.key] for c in spec.columns) + (fid,))


def _months(db: Database) -> int:
    with db.read() as s:
        return rules(s).out_of_poverty_months


def file_page(db: Database, f: FileFilter, *, after: tuple | None = None, before: tuple | None = None,
              tail: bool = False, limit: int = PAGE_SIZE, today: date | None = None) -> ListPage:
    """One page of the file list (see the module docstring)."""
    today = today or wall_clock.today()
    spec = sort_spec(FILE_SORTS, f.sort)
    months = _months(db) if f.review == OUT_OF_POVERTY else 6
    stmt = _file_select(file_conditions(db, f, today, months=months))
    stmt, backwards = paged(stmt, spec, HardshipFile.id, f.descending, after=after, before=before,
                            tail=tail, limit=limit)
    with db.read() as s:
        raw = s.execute(stmt).all()
    more = len(raw) > limit
    raw = raw[:limit]
    if backwards:
        raw.reverse()
    return ListPage(tuple(_file_row(r, spec, today) for r in raw), more)


def count_files(db: Database, f: FileFilter, today: date | None = None) -> int:
    today = today or wall_clock.today()
    months = _months(db) if f.review == OUT_OF_POVERTY else 6
    with db.read() as s:
        return s.execute(select(func.count()).select_from(HardshipFile)
                         .join(Person, Person.id == HardshipFile.person_id)
                         .where(*file_conditions(db, f, today, months=months))).scalar_one()


# ---- the assistance list ------------------------------------------------------------------------

def payment_conditions(db: Database, f: PaymentFilter, today: date) -> list:
    conds: list = []
    if f.kind:
        conds.append(HardshipPayment.kind == f.kind)
    if f.fund_id is not None:
        conds.append(HardshipPayment.fund_id == f.fund_id)
    if f.state:
        conds.append(HardshipPayment.state == f.state)
    if f.file_id is not None:
        conds.append(HardshipPayment.file_id == f.file_id)
    if f.person_id is not None:
        conds.append(HardshipPayment.person_id == f.person_id)
    if f.campaign_id is not None:
        conds.append(HardshipPayment.campaign_id == f.campaign_id)
    lo, hi = _days(f, today)
    conds += day_bounds(False, lo, hi, HardshipPayment.assist_on)
    t = f.text.strip()
    if t:
        if _FILE_NO.match(t):
            conds.append(HardshipPayment.file_id.in_(select(HardshipFile.id).where(
                HardshipFile.file_no >= t.upper(), HardshipFile.file_no < t.upper() + _TOP)))
        else:
            conds += _person_matches(db, HardshipPayment.person_id, t)
    return conds


_PAYMENT_COLUMNS = (HardshipPayment.id, HardshipPayment.assist_on, HardshipPayment.kind,
                    HardshipPayment.amount_fen, HardshipPayment.goods, HardshipPayment.goods_value_fen,
                    HardshipFund.name, HardshipPayment.state, HardshipPayment.person_id, Person.name,
                    Person.id_number, HardshipPayment.file_id, HardshipFile.file_no,
                    HardshipPayment.paid_on, HardshipPayment.pay_method, HardshipPayment.voucher_no,
                    HardshipPayment.campaign_id, HardshipPayment.refusal_reason)


def _payment_select(conds: list) -> Select:
    return (select(*_PAYMENT_COLUMNS).select_from(HardshipPayment)
            .join(Person, Person.id == HardshipPayment.person_id)
            .join(HardshipFund, HardshipFund.id == HardshipPayment.fund_id)
            .outerjoin(HardshipFile, HardshipFile.id == HardshipPayment.file_id)
            .where(*conds))


def _payment_row(r) -> PaymentRow:
    (pid, on, kind, amount, goods, goods_value, fund, state, person_id, name, idn, file_id, file_no,
     paid_on, method, voucher, campaign, refusal) = r
    return PaymentRow(
        id=pid, assist_on=on, kind=AssistanceKind(kind), kind_label=AssistanceKind.label_of(kind),
        amount_fen=amount, goods=goods, goods_value_fen=goods_value, total_fen=amount + goods_value,
        fund_name=fund, state=PaymentState(state), state_label=PaymentState.label_of(state),
        person_id=person_id, person_name=name or "", id_number=idn or "", id_masked=mask_id(idn),
        file_id=file_id, file_no=file_no or "", paid_on=paid_on,
        pay_method_label=PayMethod.label_of(method) if method else "", voucher_no=voucher,
        campaign_id=campaign, refusal_reason=refusal, key=(on, pid))


def payment_page(db: Database, f: PaymentFilter, *, after: tuple | None = None,
                 before: tuple | None = None, tail: bool = False, limit: int = PAGE_SIZE,
                 today: date | None = None) -> ListPage:
    """One page of the assistance list, by assistance date (see the module docstring)."""
    today = today or wall_clock.today()
    spec = sort_spec(PAYMENT_SORTS, f.sort)
    stmt, backwards = paged(_payment_select(payment_conditions(db, f, today)), spec, HardshipPayment.id,
                            f.descending, after=after, before=before, tail=tail, limit=limit)
    with db.read() as s:
        raw = s.execute(stmt).all()
    more = len(raw) > limit
    raw = raw[:limit]
    if backwards:
        raw.reverse()
    return ListPage(tuple(_payment_row(r) for r in raw), more)


def count_payments(db: Database, f: PaymentFilter, today: date | None = None) -> int:
    today = today or wall_clock.today()
    with db.read() as s:
        return s.execute(select(func.count()).select_from(HardshipPayment)
                         .join(Person, Person.id == HardshipPayment.person_id)
                         .where(*payment_conditions(db, f, today))).scalar_one()


def payment_total(db: Database, f: PaymentFilter, today: date | None = None) -> int:
    """The sum (cash + goods value, fen) of the rows the filter shows, for the list's footer."""
    today = today or wall_clock.today()
    with db.read() as s:
        return int(s.execute(select(func.sum(HardshipPayment.amount_fen + HardshipPayment.goods_value_fen))
                             .select_from(HardshipPayment)
                             .join(Person, Person.id == HardshipPayment.person_id)
                             .where(*payment_conditions(db, f, today))).scalar() or 0)


# ---- export -------------------------------------------------------------------------------------

def iter_rows(db: Database, f: FileFilter | PaymentFilter, *, today: date | None = None,
              page_size: int = 1000, progress=None):
    """Every row the filter shows, in display order, page by page; ``progress(n)`` may raise
    ``Cancelled``."""
    fetch = file_page if isinstance(f, FileFilter) else payment_page
    yield from every_row(fetch, db, f, page_size=page_size, progress=progress,
                         today=today or wall_clock.today())


def _file_columns(full: bool):
    from app.output.excel import Column
    return [
        (Column("档案编号", 14), lambda r: r.file_no),
        (Column("申请人", 10), lambda r: r.person_name),
        (Column("身份证号", 21, "code"), (lambda r: r.id_number) if full else (lambda r: r.id_masked)),
        (Column("单位", 24), lambda r: r.employer_name),
        (Column("街道", 12), lambda r: r.street),
        (Column("困难类别", 10), lambda r: r.category_label),
        (Column("状态", 10), lambda r: r.state_label),
        (Column("致困原因", 24), lambda r: r.causes_label),
        (Column("家庭人口", 8, "int"), lambda r: r.household_size),
        (Column("人均月收入", 12, "money"), lambda r: r.per_head_fen),
        (Column("申请日期", 12, "date"), lambda r: r.applied_on),
        (Column("建档日期", 12, "date"), lambda r: r.filed_on),
        (Column("下次复核", 12, "date"), lambda r: r.review_due),
    ]


def _payment_columns(full: bool):
    from app.output.excel import Column
    return [
        (Column("帮扶日期", 12, "date"), lambda r: r.assist_on),
        (Column("帮扶对象", 10), lambda r: r.person_name),
        (Column("身份证号", 21, "code"), (lambda r: r.id_number) if full else (lambda r: r.id_masked)),
        (Column("档案编号", 14), lambda r: r.file_no),
        (Column("帮扶类别", 12), lambda r: r.kind_label),
        (Column("金额", 12, "money"), lambda r: r.amount_fen),
        (Column("物资", 16), lambda r: r.goods),
        (Column("物资价值", 12, "money"), lambda r: r.goods_value_fen or None),
        (Column("资金来源", 12), lambda r: r.fund_name),
        (Column("状态", 8), lambda r: r.state_label),
        (Column("发放日期", 12, "date"), lambda r: r.paid_on),
        (Column("发放方式", 8), lambda r: r.pay_method_label),
        (Column("凭证号", 14), lambda r: r.voucher_no),
        (Column("不予批准理由", 20), lambda r: r.refusal_reason),
    ]


def filter_in_words(db: Database, f: FileFilter | PaymentFilter, today: date) -> str:
    """What an export selected, in the filter bar's labels; 「全部记录」 when nothing narrows it."""
    parts: list[str] = []
    if f.period:
        parts.append(("申请日期：" if isinstance(f, FileFilter) else "帮扶日期：") + describe(f.period, today))
    elif f.date_from or f.date_to:
        parts.append(f"日期：{f.date_from or '不限'} 至 {f.date_to or '不限'}")
    if isinstance(f, FileFilter):
        if f.category:
            parts.append("困难类别：" + HardshipCategory.label_of(f.category))
        if f.state:
            parts.append("状态：" + (OPEN_LABEL if f.state == OPEN else FileState.label_of(f.state)))
        if f.cause:
            parts.append("致困原因：" + Cause.label_of(f.cause))
        if f.street:
            parts.append("街道：" + f.street)
        if f.review:
            parts.append(dict(REVIEW_CHOICES).get(f.review, f.review))
    else:
        if f.kind:
            parts.append("帮扶类别：" + AssistanceKind.label_of(f.kind))
        if f.state:
            parts.append("状态：" + PaymentState.label_of(f.state))
    with db.read() as s:
        if getattr(f, "employer_id", None) is not None:
            parts.append("单位：" + (s.scalar(select(Employer.name).where(Employer.id == f.employer_id)) or ""))
        if getattr(f, "fund_id", None) is not None:
            parts.append("资金来源：" + (s.scalar(select(HardshipFund.name).where(HardshipFund.id == f.fund_id)) or ""))
    if f.text.strip():
        parts.append(f"姓名、身份证号或档案编号以「{f.text.strip()}」开头")
    return "；".join(parts) if parts else "全部记录"


def _export(db: Database, actor: Actor, f, path, full_ids: bool, progress, today: date | None,
            name: str, columns, count) -> ExportResult:
    from app.domain.permissions import Perm
    today = today or wall_clock.today()
    return export_table(db, actor, f, path, perm=Perm.VIEW_HARDSHIP, name=name, columns=columns,
                        count=lambda: count(db, f, today),
                        rows=lambda tick: iter_rows(db, f, today=today, progress=tick),
                        words=lambda: filter_in_words(db, f, today), today=today,
                        full_ids=full_ids, progress=progress)


def export_files(db: Database, actor: Actor, f: FileFilter, path, *, full_ids: bool = False,
                 progress=None, today: date | None = None) -> ExportResult:
    """The file list as the filter shows it to xlsx (worker thread, ``query.export.export_table``);
    ``progress(frac, msg)`` may raise ``Cancelled`` (no file left behind)."""
    return _export(db, actor, f, path, full_ids, progress, today, "困难职工档案", _file_columns,
                   count_files)


def export_payments(db: Database, actor: Actor, f: PaymentFilter, path, *, full_ids: bool = False,
                    progress=None, today: date | None = None) -> ExportResult:
    """The assistance list as the filter shows it to xlsx (as ``export_files``)."""
    return _export(db, actor, f, path, full_ids, progress, today, "帮扶记录", _payment_columns,
                   count_payments)


def file_streets(db: Database) -> list[tuple[str, str]]:
    """The streets 所在街道 of the filed households' employers, for the file list's street filter."""
    q = (select(Employer.street).join(HardshipFile, HardshipFile.employer_id == Employer.id)
         .where(Employer.street != "").distinct().order_by(Employer.street))
    with db.read() as s:
        return [(x, x) for x in s.scalars(q) if x]
