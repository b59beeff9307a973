"""The claim list 互助保障申请: filter, keyset pages, count, export (in the style of the petition lists).

Contract:
* ``ClaimFilter`` is a frozen dataclass registered with the filter registry (list ``ma_claims``), so
  saved filters work; a relative period is a ``Period`` code resolved against ``today`` here.
  The period filters the day received (受理日期), or the day paid with ``period_of="paid"``.
* ``claim_page`` returns one ``ListPage`` of at most ``limit`` rows in the sort's order then id, by
  keyset (``after`` / ``before`` a row's ``key``, ``tail=True`` the last rows), in two steps: the
  page's ids from ``ma_claims`` alone (an index per filter: received, state, plan, union, refusal,
  paid), then the display columns of those ids.
* ``count_claims`` is separate (callers run it in the background); ``iter_claims`` reads every row
  page by page; ``export_xlsx`` writes them (IDs masked unless the office allows the role full ones,
  then audited). Reads need ``Perm.MA_VIEW``; every function opens its own Session; any thread.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from app.db import Database
from app.db.models import Employer, Person
from app.db.models_mutual_aid import MaClaim, MaPlan
from app.domain import clock as wall_clock
from app.domain.actor import Actor
from app.domain.errors import ValidationError
from app.domain.money import format_yuan
from app.domain.mutual_aid import ClaimState, Refusal
from app.domain.periods import resolve_period
from app.domain.permissions import Perm
from app.domain.privacy import mask_id

from ..query.export import ExportResult, every_row, export_table
from ..query.filters import register_filter
from ..query.paging import ListPage, SortSpec, day_bounds, paged, sort_spec

PAGE_SIZE = 100

CLAIM_SORTS = {
    "received": SortSpec((MaClaim.received_on,), (False,)),
    "paid": SortSpec((MaClaim.paid_on,), (True,)),
}
SORT_LABELS = {"received": "受理日期", "paid": "给付日期"}


@register_filter
@dataclass(frozen=True)
class ClaimFilter:
    """What the claim list filters on. Construct with keywords."""
    period: str | None = None          # Period code; wins over date_from/date_to
    date_from: date | None = None
    date_to: date | None = None
    period_of: str = "received"        # "received" (受理日期) or "paid" (给付日期)
    year: int | None = None            # plan year
    plan_id: int | None = None
    employer_id: int | None = None     # the member's union (the batch's employer)
    person_id: int | None = None
    state: str | None = None           # ClaimState code
    refusal: str | None = None         # Refusal code
    sort: str = "received"             # a key of CLAIM_SORTS
    descending: bool = True

    LIST = "ma_claims"
    PERM = Perm.MA_VIEW                # who may see the list (and keep saved filters of it)

    def days(self, today: date) -> tuple[date | None, date | None]:
        if self.period:
            return resolve_period(self.period, today)
        return self.date_from, self.date_to


@dataclass(frozen=True)
class ClaimRow:
    id: int
    claim_no: str
    received_on: date
    plan_code: str
    plan_name: str
    plan_year: int
    person_name: str
    id_number: str | None              # for export with full IDs only; shown masked
    employer_name: str
    event_date: date
    until_date: date | None
    tier: str
    benefit_fen: int
    state: ClaimState
    refusal: Refusal | None
    paid_on: date | None
    voucher: str
    explanation: str
    key: tuple                         # keyset key: (sort column value, id)

    @property
    def id_masked(self) -> str:
        return mask_id(self.id_number)

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def refusal_label(self) -> str:
        return self.refusal.label if self.refusal else ""

    @property
    def benefit_text(self) -> str:
        return format_yuan(self.benefit_fen)


def _check(f: ClaimFilter) -> None:
    errors = []
    if f.state is not None and f.state not in {s.value for s in ClaimState}:
        errors.append(("状态", f"「{f.state}」不是申请状态"))
    if f.refusal is not None and f.refusal not in {r.value for r in Refusal}:
        errors.append(("不予给付原因", f"「{f.refusal}」不是不予给付原因"))
    if f.period_of not in ("received", "paid"):
        errors.append(("时间范围", "只能按受理日期或给付日期筛选"))
    if errors:
        raise ValidationError(errors)


def conditions(f: ClaimFilter, today: date) -> list:
    """The WHERE conditions of the filter on ``ma_claims`` (the statistics' drill-down reuses them)."""
    _check(f)
    lo, hi = f.days(today)
    col = MaClaim.paid_on if f.period_of == "paid" else MaClaim.received_on
    conds = day_bounds(False, lo, hi, col)
    if f.plan_id is not None:
        conds.append(MaClaim.plan_id == f.plan_id)
    elif f.year is not None:
        conds.append(MaClaim.plan_id.in_(select(MaPlan.id).where(MaPlan.year == f.year)))
    if f.employer_id is not None:
        conds.append(MaClaim.employer_id == f.employer_id)
    if f.person_id is not None:
        conds.append(MaClaim.person_id == f.person_id)
    if f.state is not None:
        conds.append(MaClaim.state == f.state)
    if f.refusal is not None:
        conds.append(MaClaim.refusal == f.refusal)
    return conds


_COLUMNS = (MaClaim.id, MaClaim.claim_no, MaClaim.received_on, MaPlan.code, MaPlan.name, MaPlan.year,
            Person.name, Person.id_number, Employer.name, MaClaim.event_date, MaClaim.until_date, MaClaim.tier,
            MaClaim.benefit_fen, MaClaim.state, MaClaim.refusal, MaClaim.paid_on, MaClaim.voucher,
            MaClaim.explanation)


def _display(ids: list[int]) -> Select:
    return (select(*_COLUMNS).join(MaPlan, MaPlan.id == MaClaim.plan_id)
            .join(Person, Person.id == MaClaim.person_id)
            .outerjoin(Employer, Employer.id == MaClaim.employer_id).where(MaClaim.id.in_(ids)))


def _row(r, spec_name: str) -> ClaimRow:
    sort_value = r.received_on if spec_name == "received" else r.paid_on
    return ClaimRow(id=r[0], claim_no=r[1], received_on=r[2], plan_code=r[3], plan_name=r[4], plan_year=r[5],
                    person_name=r[6], id_number=r[7], employer_name=r[8] or "", event_date=r[9],
                    until_date=r[10], tier=r[11], benefit_fen=r[12], state=ClaimState(r[13]),
                    refusal=Refusal(r[14]) if r[14] else None, paid_on=r[15], voucher=r[16],
                    explanation=r[17], key=(sort_value, r[0]))


def claim_page(db: Database, f: ClaimFilter, *, after: tuple | None = None, before: tuple | None = None,
               tail: bool = False, limit: int = PAGE_SIZE, today: date | None = None) -> ListPage:
    """One page of the claim list (module docstring)."""
    today = today or wall_clock.today()
    spec = sort_spec(CLAIM_SORTS, f.sort)
    conds = conditions(f, today)
    with db.read() as s:
        stmt = select(MaClaim.id).where(*conds)
        stmt, backwards = paged(stmt, spec, MaClaim.id, f.descending, after=after, before=before,
                                tail=tail, limit=limit)
        ids = list(s.execute(stmt).scalars())
        more = len(ids) > limit
        ids = ids[:limit]
        if backwards:
            ids.reverse()
        by_id = {r[0]: r for r in s.execute(_display(ids)).all()} if ids else {}
        return ListPage(tuple(_row(by_id[i], f.sort) for i in ids), more)


def count_claims(db: Database, f: ClaimFilter, today: date | None = None) -> int:
    today = today or wall_clock.today()
    conds = conditions(f, today)
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(MaClaim).where(*conds)) or 0)


def total_benefit(db: Database, f: ClaimFilter, today: date | None = None) -> int:
    """The sum of the benefits the filter shows (the list's footer)."""
    today = today or wall_clock.today()
    conds = conditions(f, today)
    with db.read() as s:
        return int(s.scalar(select(func.coalesce(func.sum(MaClaim.benefit_fen), 0)).where(*conds)) or 0)


def iter_claims(db: Database, f: ClaimFilter, *, today: date | None = None, page_size: int = 500,
                progress=None):
    """Every row the filter shows, in display order, page by page. ``progress(n read)`` may raise
    ``Cancelled``."""
    yield from every_row(claim_page, db, f, page_size=page_size, progress=progress,
                         today=today or wall_clock.today())


def filter_in_words(db: Database, f: ClaimFilter, today: date) -> str:
    """What the filter selected, in words (the export's title)."""
    parts = []
    lo, hi = f.days(today)
    if lo or hi:
        what = "给付日期" if f.period_of == "paid" else "受理日期"
        parts.append(f"{what} {lo.isoformat() if lo else '…'} 至 {hi.isoformat() if hi else '…'}")
    with db.read() as s:
        if f.plan_id is not None:
            p = s.get(MaPlan, f.plan_id)
            parts.append(f"计划 {p.year} {p.code} {p.name}" if p else f"计划 #{f.plan_id}")
        elif f.year is not None:
            parts.append(f"{f.year}年度")
        if f.employer_id is not None:
            e = s.get(Employer, f.employer_id)
            parts.append(f"单位 {e.name if e else f.employer_id}")
        if f.person_id is not None:
            p = s.get(Person, f.person_id)
            parts.append(f"参保人 {p.name if p else f.person_id}")
    if f.state:
        parts.append(f"状态 {ClaimState(f.state).label}")
    if f.refusal:
        parts.append(f"不予给付原因 {Refusal(f.refusal).label}")
    return "；".join(parts) if parts else "全部记录"


def _export_columns(full: bool):
    from app.output.excel import Column
    ident = (lambda r: r.id_number) if full else (lambda r: r.id_masked)
    return [
        (Column("申请编号", 15), lambda r: r.claim_no),
        (Column("受理日期", 11, "date"), lambda r: r.received_on),
        (Column("计划", 22), lambda r: f"{r.plan_year} {r.plan_code} {r.plan_name}"),
        (Column("参保人", 10), lambda r: r.person_name),
        (Column("身份证号", 21, "code"), ident),
        (Column("单位", 24), lambda r: r.employer_name),
        (Column("入院/确诊日期", 12, "date"), lambda r: r.event_date),
        (Column("出院日期", 11, "date"), lambda r: r.until_date),
        (Column("病种", 12), lambda r: r.tier),
        (Column("给付金额", 13, "money"), lambda r: r.benefit_fen),
        (Column("状态", 9), lambda r: r.state_label),
        (Column("不予给付原因", 16), lambda r: r.refusal_label),
        (Column("给付日期", 11, "date"), lambda r: r.paid_on),
        (Column("凭证号", 14), lambda r: r.voucher),
        (Column("计算过程", 50), lambda r: r.explanation),
    ]


def export_xlsx(db: Database, actor: Actor, f: ClaimFilter, path, *, full_ids: bool = False,
                progress=None, today: date | None = None) -> ExportResult:
    """Every claim the filter shows, in the list's order, to an xlsx file (worker thread,
    ``query.export.export_table``): IDs masked unless ``full_ids`` is asked for by a role the
    office allows (then audited); ``progress(frac, message)`` may raise ``Cancelled``."""
    today = today or wall_clock.today()
    return export_table(db, actor, f, path, perm=Perm.MA_VIEW, name="互助保障申请",
                        columns=_export_columns, count=lambda: count_claims(db, f, today),
                        rows=lambda tick: iter_claims(db, f, today=today, progress=tick),
                        words=lambda: filter_in_words(db, f, today), today=today,
                        full_ids=full_ids, progress=progress)


__all__ = ["CLAIM_SORTS", "ClaimFilter", "ClaimRow", "claim_page", "conditions", "count_claims",
           "export_xlsx", "filter_in_words", "iter_claims", "total_benefit"]
