"""The registration list (信访登记) and the case list (案件办理): filters, keyset pages, counts,
workbench numbers.

Contract:

* Filters are frozen dataclasses (``RegistrationFilter``, ``CaseFilter``); a relative period is kept
  as a ``Period`` code and resolved against ``today`` by ``resolve_period`` only, so a saved 本月
  means the current month when it is reopened.
* ``registration_page`` / ``case_page`` return one ``ListPage`` of at most ``limit`` rows, ordered by
  the filter's sort column(s) and then id, found by keyset (never OFFSET): ``after`` = the rows after
  a row's ``key``, ``before`` = the rows before it, ``tail=True`` = the last rows (the "jump to the
  last row" of a million). Rows always come back in display order. Every sort offered here has an
  index whose columns match the ORDER BY, so each page is an index range read with LIMIT.
* Counting (``count_registrations`` / ``count_cases``) is separate: callers run it in the background
  and show the total when it arrives.
* With ``text`` set the list is a content search (``app.services.petitions.search``): at most
  ``SEARCH_LIMIT`` hits, newest received first, in one page (``ListPage.complete``); the sort
  column is then ignored. The search answers within its time budget (``budget``, default
  ``search.SHORT_BUDGET`` / ``LONG_BUDGET``): if that was not enough to reach ``SEARCH_LIMIT`` hits
  or the oldest registration, the page says how far back it got (``searched_back_to``) and
  ``resume=page.resume`` reads the next hits (older ones, none twice, none left out) until
  ``resume`` comes back None. Counting and export search to the end (``search.NO_BUDGET``).
* Deadline states are date ranges on the stored ``cases.due_date`` of open cases: 已超期
  ``due < today``; 即将到期 ``today ≤ due < soon_end`` where ``soon_end`` is the first day with more
  than ``warn_workdays`` working days left; 正常 ``due ≥ soon_end``; 已中止 while suspended.
* Reads only (no actor needed; the pages are shown to roles with ``Perm.VIEW_CASES``). Every function
  opens its own Session and returns frozen dataclasses; safe on any thread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, aliased

from app.db import Database
from app.db.models import Case, Employer, Person, Registration, RegistrationIssue, User
from app.domain import case_clock, clock as wall_clock
from app.domain.calendar import WorkCalendar
from app.domain.case_clock import DeadlineRules, DeadlineState
from app.domain.enums import (OPEN_STATUSES, CaseStatus, Category, Channel, Disposition,
                              ExtensionStatus, IssueType, ListFlag)
from app.domain.money import format_yuan
from app.domain.periods import resolve_period
from app.domain.permissions import Perm

from . import search
from ..query.export import every_row
from ..query.filters import register_filter
from ..query.paging import ListPage, SortSpec, day_bounds, read_page, sort_spec


PAGE_SIZE = 100


OPEN = "open"    # CaseFilter.status meaning any of OPEN_STATUSES (label: enums.OPEN_STATUSES_LABEL)


_OPEN_VALUES = tuple(sorted(s.value for s in OPEN_STATUSES))


@dataclass(frozen=True)
class _Filter:
    """What both lists filter on. Construct with keywords."""
    period: str | None = None          # Period code; wins over date_from/date_to
    date_from: date | None = None      # registrations: received on or after; cases: accepted
    date_to: date | None = None        # … on or before (day)
    channel: str | None = None
    category: str | None = None
    issue_type: str | None = None
    employer_id: int | None = None
    person_id: int | None = None
    flags: tuple[str, ...] = ()        # ListFlag codes
    text: str = ""                     # content search
    sort: str = ""                     # a key of the list's sorts
    descending: bool = True

    PERM = Perm.VIEW_CASES             # who may see the list (and keep saved filters of it)

    def days(self, today: date) -> tuple[date | None, date | None]:
        if self.period:
            return resolve_period(self.period, today)
        return self.date_from, self.date_to


@register_filter
@dataclass(frozen=True)
class RegistrationFilter(_Filter):
    disposition: str | None = None
    sort: str = "received"             # a key of REGISTRATION_SORTS

    LIST = "registrations"


@register_filter
@dataclass(frozen=True)
class CaseFilter(_Filter):
    status: str | None = None          # a CaseStatus code, or OPEN (未办结)
    deadline: str | None = None        # DeadlineState code (open cases only)
    handler_id: int | None = None
    sort: str = "case_no"              # a key of CASE_SORTS

    LIST = "cases"


ListFilter = RegistrationFilter | CaseFilter


@dataclass(frozen=True)
class RegistrationRow:
    id: int
    reg_no: str
    received_at: datetime
    channel: str
    channel_label: str
    category: str
    category_label: str
    issues_label: str
    disposition: str
    disposition_label: str
    person_name: str
    id_number: str
    employer_name: str
    head_count: int
    is_group: bool
    leader_reception: bool
    summary: str
    case_id: int | None
    case_no: str
    key: tuple


@dataclass(frozen=True)
class CaseRow:
    id: int
    case_no: str
    registration_id: int
    reg_no: str
    received_at: datetime
    accepted_on: date
    channel_label: str
    category_label: str
    issues_label: str
    person_name: str
    id_number: str
    employer_name: str
    handler_name: str
    status: str
    status_label: str
    due_date: date | None
    deadline: DeadlineState
    extension_pending: bool
    supervised: bool
    focus: bool
    extended: bool
    suspended: bool
    recovered_fen: int
    workers_benefited: int
    summary: str
    key: tuple

    @property
    def deadline_label(self) -> str:
        return self.deadline.label

    @property
    def recovered_text(self) -> str:
        return format_yuan(self.recovered_fen) if self.recovered_fen else ""

    @property
    def flags_label(self) -> str:
        parts = [flag.label for flag, on in ((ListFlag.SUPERVISED, self.supervised),
                                             (ListFlag.FOCUS, self.focus)) if on]
        return "、".join(parts)


@dataclass(frozen=True)
class _Clock:
    today: date
    cal: WorkCalendar
    rules: DeadlineRules
    soon_end: date      # first due date that is 正常 (more than warn_workdays working days left)


def _clock(db: Database, today: date) -> _Clock:
    from .. import calendar, settings
    rules = DeadlineRules.from_settings(settings.load(db))
    cal = calendar.load(db, today.year - 1, today.year + 1)
    return _Clock(today, cal, rules, cal.add_workdays(today, rules.warn_workdays + 1))


def soon_end(db: Database, today: date) -> date:
    """Cases due on or after this day are 正常 on ``today`` (exclusive end of 即将到期)."""
    return _clock(db, today).soon_end


REGISTRATION_SORTS: dict[str, SortSpec] = {     # each matches an index of registrations
    "received": SortSpec((Registration.received_at,), (False,)),
    "reg_no": SortSpec((Registration.reg_no,), (False,)),
    "channel": SortSpec((Registration.channel, Registration.received_at), (False, False)),
    "category": SortSpec((Registration.category, Registration.received_at), (False, False)),
    "disposition": SortSpec((Registration.disposition, Registration.received_at), (False, False)),
}


CASE_SORTS: dict[str, SortSpec] = {             # each matches an index of cases
    "case_no": SortSpec((), ()),                 # case numbers follow the id
    "accepted": SortSpec((Case.accepted_on,), (False,)),
    "due": SortSpec((Case.due_date,), (True,)),
    "status": SortSpec((Case.status, Case.due_date), (False, True)),
}


def _issue_cond(issue_type: str):
    return exists(select(RegistrationIssue.registration_id).where(
        RegistrationIssue.registration_id == Registration.id,
        RegistrationIssue.issue_type == issue_type))


def _registration_conds(f: RegistrationFilter | CaseFilter, today: date, *, on_registration: bool,
                        days: bool = True, col=lambda c: c, reg_col=lambda c: c) -> list:
    """``reg_col`` wraps the registration columns whose values are common (channel, group visit,
    leader reception): the case list reads cases in their own order and checks these per row
    rather than reading, say, every visit and sorting (see ``case_page``)."""
    conds: list = []
    lo, hi = f.days(today)
    if on_registration and days:
        conds += day_bounds(True, lo, hi, Registration.received_at)
    if f.channel:
        conds.append(reg_col(Registration.channel) == f.channel)
    if f.category:
        category = Registration.category if on_registration else col(Case.category)
        conds.append(category == f.category)
    if f.issue_type:
        conds.append(_issue_cond(f.issue_type))
    if f.employer_id is not None:
        conds.append(Registration.employer_id == f.employer_id)
    if f.person_id is not None:
        conds.append(Registration.person_id == f.person_id)
    if ListFlag.GROUP_VISIT.value in f.flags:
        conds.append(reg_col(Registration.is_group).is_(True))
    if ListFlag.LEADER_RECEPTION.value in f.flags:
        conds.append(reg_col(Registration.leader_reception).is_(True))
    return conds


def registration_conditions(f: RegistrationFilter, today: date, *, days: bool = True) -> list:
    """WHERE conditions of the filter (``days=False``: without the dates received, which a
    content search takes separately, see ``_received_bounds``)."""
    conds = _registration_conds(f, today, on_registration=True, days=days)
    if f.disposition:
        conds.append(Registration.disposition == f.disposition)
    return conds


def case_conditions(f: CaseFilter, today: date, clock: _Clock | None = None,
                    db: Database | None = None, *, col=lambda c: c, reg_col=lambda c: c) -> list:
    """WHERE conditions of the filter. ``col`` wraps every column of ``cases`` used (see
    ``_case_search_conditions``), ``reg_col`` the common-valued registration columns."""
    return (_registration_conds(f, today, on_registration=False, col=col, reg_col=reg_col)
            + _case_table_conds(f, today, clock, db, col=col))


def _case_table_conds(f: CaseFilter, today: date, clock: _Clock | None = None,
                      db: Database | None = None, *, col=lambda c: c) -> list:
    """The conditions on columns of ``cases`` that have an index (all but the category)."""
    conds: list = []
    lo, hi = f.days(today)
    conds += day_bounds(False, lo, hi, col(Case.accepted_on))
    status, due = col(Case.status), col(Case.due_date)
    if f.status == OPEN:
        conds.append(status.in_(_OPEN_VALUES))
    elif f.status:
        conds.append(status == f.status)
    if f.handler_id is not None:
        conds.append(col(Case.handler_id) == f.handler_id)
    if ListFlag.SUPERVISED.value in f.flags:
        conds.append(col(Case.supervised).is_(True))
    if ListFlag.FOCUS.value in f.flags:
        conds.append(col(Case.focus).is_(True))
    if ListFlag.EXTENSION_REQUESTED.value in f.flags:
        conds.append(col(Case.extension_status) == ExtensionStatus.REQUESTED.value)
    if ListFlag.NOTICE_PENDING.value in f.flags:
        conds.append(col(Case.notice_delivered_on).is_(None))
    if f.deadline:
        state = DeadlineState(f.deadline)
        conds.append(status.in_(_OPEN_VALUES))
        if state is DeadlineState.SUSPENDED:
            conds.append(due.is_(None))
        elif state is DeadlineState.OVERDUE:
            conds.append(due < today)
        else:
            end = clock.soon_end if clock else soon_end(db, today)
            if state is DeadlineState.DUE_SOON:
                conds += [due >= today, due < end]
            else:
                conds.append(due >= end)
    return conds


SELECTIVE_CASES = 2000      # case filters leaving fewer cases than this drive a content search


def _case_search_conditions(s: Session, f: CaseFilter, today: date, clock: _Clock | None = None,
                            db: Database | None = None) -> list:
    """The filter's conditions for a content search over cases. A search reads registrations
    newest received first (by id from the full-text index, or a window of date received at a time)
    and checks their cases. Without statistics (no ANALYZE) SQLite takes every index equality for a
    handful of rows and would rather read, say, every supervised case (15,000 on the benchmark
    database) for each chunk or window. So: when the indexed case conditions leave at least
    ``SELECTIVE_CASES`` cases (counted with that LIMIT), they are written ``search.unindexed``;
    when fewer (overdue, due soon, one handler's open cases), reading them by their index stays
    the fastest way and is left to SQLite."""
    indexed = _case_table_conds(f, today, clock, db)
    if indexed:
        few = s.execute(select(func.count()).select_from(
            select(Case.id).where(*indexed).limit(SELECTIVE_CASES).subquery())).scalar_one()
        if few < SELECTIVE_CASES:
            return case_conditions(f, today, clock, db)
    return case_conditions(f, today, clock, db, col=lambda c: search.unindexed(s, c))


_REG_COLUMNS = (Registration.id, Registration.reg_no, Registration.received_at, Registration.channel,
                Registration.category, Registration.disposition, Person.name, Person.id_number,
                Employer.name, Registration.head_count, Registration.is_group,
                Registration.leader_reception, Registration.summary, Case.id, Case.case_no)


def _registration_select(conds: list) -> Select:
    return (select(*_REG_COLUMNS)
            .select_from(Registration)
            .outerjoin(Person, Person.id == Registration.person_id)
            .outerjoin(Employer, Employer.id == Registration.employer_id)
            .outerjoin(Case, Case.registration_id == Registration.id)
            .where(*conds))


def _issues(s: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    out: dict[int, list[str]] = {}
    for rid, code in s.execute(select(RegistrationIssue.registration_id, RegistrationIssue.issue_type)
                               .where(RegistrationIssue.registration_id.in_(ids))
                               .order_by(RegistrationIssue.registration_id)):
        out.setdefault(rid, []).append(IssueType.label_of(code))
    return {k: "、".join(v) for k, v in out.items()}


def _reg_key(spec: SortSpec, r) -> tuple:
    values = {"received_at": r.received_at, "reg_no": r.reg_no, "channel": r.channel,
              "category": r.category, "disposition": r.disposition}
    return tuple(values[c.key] for c in spec.columns) + (r.id,)


def _reg_rows(s: Session, raw: list, spec: SortSpec) -> tuple[RegistrationRow, ...]:
    issues = _issues(s, [r[0] for r in raw])
    out = []
    for (rid, reg_no, received, channel, category, disp, pname, idn, ename, heads, group, leader,
         summary, case_id, case_no) in raw:
        row = RegistrationRow(
            id=rid, reg_no=reg_no, received_at=received, channel=channel,
            channel_label=Channel.label_of(channel), category=category,
            category_label=Category.label_of(category),
            issues_label=issues.get(rid, ""), disposition=disp,
            disposition_label=Disposition.label_of(disp), person_name=pname or "",
            id_number=idn or "", employer_name=ename or "", head_count=heads, is_group=bool(group),
            leader_reception=bool(leader), summary=summary, case_id=case_id, case_no=case_no or "",
            key=())
        out.append(replace(row, key=_reg_key(spec, row)))
    return tuple(out)


def _received_bounds(f: RegistrationFilter, today: date) -> dict[str, datetime | None]:
    """The filter's range of date received as ``search.find`` keywords (where a short search
    starts and ends)."""
    lo, hi = f.days(today)
    return dict(received_from=datetime.combine(lo, time.min) if lo else None,
                received_before=datetime.combine(hi + timedelta(days=1), time.min) if hi else None)


def _reg_hits(s: Session, stmt: Select, f: RegistrationFilter, today: date, **kw) -> search.Found:
    return search.find(s, f.text, stmt, id_of=lambda r: r[0], newest_first=lambda r: (r[2], r[0]),
                       **_received_bounds(f, today), **kw)


def _case_hits(s: Session, stmt: Select, f: CaseFilter, **kw) -> search.Found:
    return search.find(s, f.text, stmt, id_of=lambda r: r[2], newest_first=lambda r: (r[4], r[2]),
                       **kw)


def _search_page(found: search.Found, rows: tuple) -> ListPage:
    return ListPage(rows, False, True, found.searched_back_to, found.resume)


def registration_page(db: Database, f: RegistrationFilter, *, after: tuple | None = None,
                      before: tuple | None = None, tail: bool = False, limit: int = PAGE_SIZE,
                      today: date | None = None, resume: tuple | None = None,
                      budget: float | None = None) -> ListPage:
    """One page of the registration list (see the module docstring; ``resume`` and ``budget``
    only for a content search)."""
    today = today or wall_clock.today()
    spec = sort_spec(REGISTRATION_SORTS, f.sort)
    with db.read() as s:
        if search.normalize(f.text):
            if after is not None or before is not None:
                return ListPage((), False, True)
            stmt = _registration_select(registration_conditions(f, today, days=False))
            found = _reg_hits(s, stmt, f, today, resume=resume, budget=budget)
            return _search_page(found, _reg_rows(s, found.rows, spec))
        stmt = _registration_select(registration_conditions(f, today))
        raw, more = read_page(s, stmt, spec, Registration.id, f.descending, after=after,
                              before=before, tail=tail, limit=limit)
        return ListPage(_reg_rows(s, raw, spec), more)


def count_registrations(db: Database, f: RegistrationFilter, today: date | None = None) -> int:
    """How many registrations the filter shows (run in the background on big databases)."""
    today = today or wall_clock.today()
    with db.read() as s:
        if search.normalize(f.text):
            base = (select(Registration.id, Registration.received_at)
                    .where(*registration_conditions(f, today, days=False)))
            return len(search.find(s, f.text, base, id_of=lambda r: r[0],
                                   newest_first=lambda r: (r[1], r[0]), budget=search.NO_BUDGET,
                                   **_received_bounds(f, today)).rows)
        conds = registration_conditions(f, today)
        return s.execute(select(func.count(Registration.id)).where(*conds)).scalar_one()


_Handler = aliased(User)


_CASE_COLUMNS = (Case.id, Case.case_no, Case.registration_id, Registration.reg_no,
                 Registration.received_at, Case.accepted_on, Registration.channel, Case.category,
                 Person.name, Person.id_number, Employer.name, _Handler.display_name,
                 Case.assignee_name, Case.status, Case.due_date, Case.concluded_on,
                 Case.extension_status, Case.supervised, Case.focus, Case.extended, Case.suspended,
                 Case.recovered_fen, Case.workers_benefited, Registration.summary)


def _case_select(conds: list) -> Select:
    return (select(*_CASE_COLUMNS)
            .select_from(Case)
            .join(Registration, Registration.id == Case.registration_id)
            .outerjoin(Person, Person.id == Registration.person_id)
            .outerjoin(Employer, Employer.id == Registration.employer_id)
            .outerjoin(_Handler, _Handler.id == Case.handler_id)
            .where(*conds))


def case_deadline(clock: _Clock, status: str, due: date | None, concluded: date | None) -> DeadlineState:
    """The state shown for a case row (open: on today; closed: 按期办结 / 逾期办结, never 已超期)."""
    return case_clock.case_state(clock.cal, due, clock.today, clock.rules,
                                 is_open=status in _OPEN_VALUES, concluded=concluded)


def _case_rows(s: Session, raw: list, spec: SortSpec, clock: _Clock) -> tuple[CaseRow, ...]:
    issues = _issues(s, [r[2] for r in raw])
    out = []
    for (cid, case_no, reg_id, reg_no, received, accepted, channel, category, pname, idn, ename,
         handler, assignee, status, due, concluded, ext, supervised, focus, extended, suspended,
         recovered, workers, summary) in raw:
        values = {"accepted_on": accepted, "due_date": due, "status": status}
        out.append(CaseRow(
            id=cid, case_no=case_no, registration_id=reg_id, reg_no=reg_no, received_at=received,
            accepted_on=accepted, channel_label=Channel.label_of(channel),
            category_label=Category.label_of(category), issues_label=issues.get(reg_id, ""),
            person_name=pname or "", id_number=idn or "", employer_name=ename or "",
            handler_name=handler or assignee or "", status=status,
            status_label=CaseStatus.label_of(status), due_date=due,
            deadline=case_deadline(clock, status, due, concluded),
            extension_pending=ext == ExtensionStatus.REQUESTED.value, supervised=bool(supervised),
            focus=bool(focus), extended=bool(extended), suspended=bool(suspended),
            recovered_fen=recovered or 0, workers_benefited=workers or 0, summary=summary,
            key=tuple(values[c.key] for c in spec.columns) + (cid,)))
    return tuple(out)


def case_page(db: Database, f: CaseFilter, *, after: tuple | None = None, before: tuple | None = None,
              tail: bool = False, limit: int = PAGE_SIZE, today: date | None = None,
              resume: tuple | None = None, budget: float | None = None) -> ListPage:
    """One page of the case list (see the module docstring; ``resume`` and ``budget`` only for a
    content search)."""
    today = today or wall_clock.today()
    spec = sort_spec(CASE_SORTS, f.sort)
    clock = _clock(db, today)
    with db.read() as s:
        if search.normalize(f.text):
            if after is not None or before is not None:
                return ListPage((), False, True)
            stmt = _case_select(_case_search_conditions(s, f, today, clock))
            found = _case_hits(s, stmt, f, resume=resume, budget=budget)
            return _search_page(found, _case_rows(s, found.rows, spec, clock))
        # Two steps: the page's case ids from cases (and registrations only when the filter needs
        # them), then the display columns of those ids. Sorting narrow rows keeps a period with
        # many cases (a year: 60,000 on 1M registrations) fast; joining first cost 0.6-0.8 s.
        ids_stmt = select(Case.id).select_from(Case)
        if _needs_registration(f):
            ids_stmt = ids_stmt.join(Registration, Registration.id == Case.registration_id)
        ids_stmt = ids_stmt.where(*case_conditions(f, today, clock, col=_case_col(s, f),
                                                   reg_col=lambda c: search.unindexed(s, c)))
        raw, more = read_page(s, ids_stmt, spec, Case.id, f.descending, after=after,
                              before=before, tail=tail, limit=limit)
        ids = [r[0] for r in raw]
        by_id = {r[0]: r for r in s.execute(_case_select([Case.id.in_(ids)])).all()} if ids else {}
        return ListPage(_case_rows(s, [by_id[i] for i in ids], spec, clock), more)


def _case_col(s: Session, f: CaseFilter):
    """How ``case_page`` and ``count_cases`` write the conditions on ``cases``: with 告知书未送达
    every other indexed column of ``cases`` is written ``search.unindexed``, so that SQLite reads
    the partial index ``ix_cases_notice_pending`` (the few cases whose notice is not delivered,
    in 受理日期 order). Without statistics it would take ``status IN (…)`` or a handler's index
    for the smaller set and read thousands of rows of the table (open cases: 6,700 on the 1M demo
    database; 140–230 ms with the file out of memory, against about 45 ms by the index). The
    condition ``notice_delivered_on IS NULL`` and the 受理日期 range stay as they are: the first
    is what lets SQLite use the partial index at all, the second is its leading column."""
    if ListFlag.NOTICE_PENDING.value not in f.flags:
        return lambda c: c
    return lambda c: c if c.key in ("notice_delivered_on", "accepted_on") else search.unindexed(s, c)


def _needs_registration(f: CaseFilter) -> bool:
    return bool(f.channel or f.issue_type or f.employer_id is not None or f.person_id is not None
                or ListFlag.GROUP_VISIT.value in f.flags or ListFlag.LEADER_RECEPTION.value in f.flags)


def count_cases(db: Database, f: CaseFilter, today: date | None = None) -> int:
    today = today or wall_clock.today()
    with db.read() as s:
        if search.normalize(f.text):
            conds = _case_search_conditions(s, f, today, db=db)
            base = (select(Case.id, Registration.received_at, Registration.id)
                    .join(Registration, Registration.id == Case.registration_id).where(*conds))
            return len(search.find(s, f.text, base, id_of=lambda r: r[2],
                                   newest_first=lambda r: (r[1], r[2]),
                                   budget=search.NO_BUDGET).rows)
        stmt = select(func.count(Case.id)).select_from(Case)
        if _needs_registration(f):
            stmt = stmt.join(Registration, Registration.id == Case.registration_id)
        conds = case_conditions(f, today, db=db, col=_case_col(s, f))
        return s.execute(stmt.where(*conds)).scalar_one()


def iter_rows(db: Database, f: ListFilter, *, today: date | None = None, page_size: int = 500,
              progress=None):
    """Every row the filter shows, in display order, read page by page (for export). ``progress``
    is called with the number of rows read so far; it may raise ``Cancelled``. A content search is
    searched to the end (as ``count_*`` counts it), not cut short by the time budget."""
    today = today or wall_clock.today()
    fetch = registration_page if isinstance(f, RegistrationFilter) else case_page
    return every_row(fetch, db, f, page_size=page_size, progress=progress, today=today,
                     budget=search.NO_BUDGET)
