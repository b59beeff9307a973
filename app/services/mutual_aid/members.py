"""Members of the mutual-aid plans (参保会员): lookup by ID or name, a member's record over every plan
year, the cover summary the person page shows, and the windowed member list with its export.

Contract:
* ``lookup`` finds members (people with at least one enrollment) by a full or partial ID number
  (an index range on ``people.id_number``) or a name prefix (``people.name``), each candidate kept
  only when an enrollment exists (index ``ix_ma_enrollments_person``), at most ``limit`` — a few ms
  on 100,000 members among a million people.
* ``member_record`` / ``cover_summary``: every plan year of one person with 份, cover dates, waiting
  end, the cover state on ``today`` (``app.domain.mutual_aid.cover_state``), the claims and what they
  paid, and what is left of the term's cap (approved and paid claims count against it, as the
  benefit rule counts them: ``cover.term_history``).
* ``member_page`` returns one ``ListPage`` of the member list (one row per enrollment), newest first
  by default, found by keyset on the enrollment id (never OFFSET): ``after`` / ``before`` a row's
  ``key``, ``tail=True`` the last rows. Filters: plan, union (employer), cover state on ``today``,
  period of the cover start. ``count_members`` counts separately; ``export_members`` writes every
  row the filter shows to xlsx, ID numbers masked unless the role may export them (then audited).
* Reads only; each call opens its own Session and returns frozen dataclasses; any thread.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, exists, func, or_, select

from app.db import Database
from app.db.models import Employer, Person
from app.db.models_mutual_aid import MaBatch, MaClaim, MaEnrollment, MaPlan
from app.domain import clock
from app.domain.actor import Actor
from app.domain.enums import Gender
from app.domain.errors import NotFound
from app.domain.money import format_yuan
from app.domain.mutual_aid import (COUNTED_STATES, ClaimState, CoverState, PlanKind, age_on,
                                   cover_state)
from app.domain.periods import resolve_period
from app.domain.permissions import Perm
from app.domain.privacy import mask_id, mask_id_tail
from app.services.people_search import person_prefix_condition

from ..query.export import ExportResult, every_row, export_table, yesno
from ..query.filters import register_filter
from ..query.paging import ListPage, SortSpec, day_bounds, paged
from .cover import tiers_from_json

PAGE_SIZE = 100
TOP = chr(0x10FFFF)
E, P, B = MaEnrollment, MaPlan, MaBatch
_ID_LIKE = re.compile(r"[0-9]{4,17}[0-9X]?")


# ------------------------------------------------------------------ lookup

@dataclass(frozen=True)
class MemberHit:
    person_id: int
    name: str
    id_tail: str                # ****1234 (the pick list shows the name beside it)
    gender: str                 # label
    employer_name: str


def lookup(db: Database, query: str, limit: int = 20) -> list[MemberHit]:
    """Members whose ID number starts with ``query`` (digits, X; a whole number matches exactly) or
    whose name starts with it; ID matches first."""
    q = unicodedata.normalize("NFKC", query or "").strip().replace(" ", "").upper()
    if not q:
        return []
    enrolled = exists().where(E.person_id == Person.id)
    base = (select(Person.id, Person.name, Person.id_number, Person.gender, Employer.name)
            .outerjoin(Employer, Employer.id == Person.employer_id).where(enrolled))
    with db.read() as s:
        if _ID_LIKE.fullmatch(q):
            cond = Person.id_number == q if len(q) == 18 else and_(Person.id_number >= q,
                                                                   Person.id_number < q + TOP)
            rows = s.execute(base.where(cond).order_by(Person.id_number).limit(limit)).all()
        else:
            rows = s.execute(base.where(Person.name >= q, Person.name < q + TOP)
                             .order_by(Person.name, Person.id).limit(limit)).all()
    return [MemberHit(pid, name, mask_id_tail(idn), Gender.label_of(g), emp or "")
            for pid, name, idn, g, emp in rows]


# ------------------------------------------------------------------ a member's record

@dataclass(frozen=True)
class MemberTerm:
    """One plan year of a member."""
    enrollment_id: int
    plan_id: int
    plan_code: str
    plan_name: str
    year: int
    kind: str                   # PlanKind value
    employer_name: str          # the union whose roster enrolled the member
    shares: int
    renewal: bool
    premium_fen: int
    paid_on: date | None
    cover_start: date | None
    waiting_end: date | None
    term_start: date
    term_end: date
    state: CoverState
    claims: int                 # every claim of the term
    paid_fen: int               # benefits paid
    counted_fen: int            # benefits approved or paid (what the cap counts)
    counted_claims: int
    cap_fen: int | None         # the term's cap for this member (× 份); None: no cap
    remaining_fen: int | None   # what the cap leaves; None: no cap

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def remaining_text(self) -> str:
        if self.kind == PlanKind.LUMP.value and self.counted_claims:
            return "本期已给付（每期一次）"
        if self.remaining_fen is None:
            return "不设上限"
        return format_yuan(self.remaining_fen)

    @property
    def line(self) -> str:
        """One line for the person page: plan, 份, state with its dates, paid and what is left."""
        dates = ""
        if self.cover_start is not None:
            dates = f" {self.cover_start.isoformat()} 至 {self.term_end.isoformat()}"
            if self.waiting_end is not None and self.state is CoverState.WAITING:
                dates += f"，观察期至 {self.waiting_end.isoformat()}"
        return (f"{self.year}年 {self.plan_name}（{self.plan_code}）{self.shares}份 · {self.state.label}{dates}"
                f" · 已给付 {format_yuan(self.paid_fen)}，剩余 {self.remaining_text}")


@dataclass(frozen=True)
class MemberRecord:
    person_id: int
    name: str
    id_masked: str
    gender: str                 # label
    birth_date: date | None
    age: int | None
    employer_name: str
    terms: tuple[MemberTerm, ...]   # newest plan year first


def _terms(s, person_id: int, today: date) -> tuple[MemberTerm, ...]:
    C = MaClaim
    counted = [st.value for st in COUNTED_STATES]
    claims = {eid: (n, paid, cnt_fen, cnt) for eid, n, paid, cnt_fen, cnt in s.execute(
        select(C.enrollment_id, func.count(),
               func.coalesce(func.sum(case((C.state == ClaimState.PAID.value, C.benefit_fen), else_=0)), 0),
               func.coalesce(func.sum(case((C.state.in_(counted), C.benefit_fen), else_=0)), 0),
               func.coalesce(func.sum(case((C.state.in_(counted), 1), else_=0)), 0))
        .where(C.person_id == person_id).group_by(C.enrollment_id))}
    rows = s.execute(
        select(E.id, P.id, P.code, P.name, P.year, P.kind, Employer.name, E.shares, E.renewal,
               E.premium_fen, B.paid_on, E.cover_start, E.waiting_end, P.term_start, P.term_end,
               P.term_cap_fen, P.tiers)
        .join(P, P.id == E.plan_id).join(B, B.id == E.batch_id)
        .join(Employer, Employer.id == E.employer_id)
        .where(E.person_id == person_id).order_by(P.year.desc(), P.code, E.id)).all()
    out = []
    for (eid, pid, code, name, year, kind, emp, shares, renewal, premium, paid_on, start, wait,
         t0, t1, cap, tiers) in rows:
        n, paid, cnt_fen, cnt = claims.get(eid, (0, 0, 0, 0))
        cap_fen = cap * shares if cap is not None else None
        if cap_fen is None and kind == PlanKind.LUMP.value:
            top = max((t.sum_fen for t in tiers_from_json(tiers)), default=0)
            cap_fen = top * shares
        remaining = None if cap_fen is None else max(0, cap_fen - cnt_fen)
        if kind == PlanKind.LUMP.value and cnt:
            remaining = 0
        out.append(MemberTerm(eid, pid, code, name, year, kind, emp, shares, bool(renewal), premium,
                              paid_on, start, wait, t0, t1, cover_state(start, wait, t1, today),
                              int(n), int(paid), int(cnt_fen), int(cnt), cap_fen, remaining))
    return tuple(out)


def member_record(db: Database, person_id: int, today: date | None = None) -> MemberRecord:
    """Every plan year of one member (NotFound when the person does not exist)."""
    today = today or clock.today()
    with db.read() as s:
        found = s.execute(select(Person, Employer.name).outerjoin(Employer, Employer.id == Person.employer_id)
                          .where(Person.id == person_id)).first()
        if found is None:
            raise NotFound(f"找不到编号为 {person_id} 的人员，可能已被删除", "person not found")
        p, emp = found
        terms = _terms(s, person_id, today)
    return MemberRecord(p.id, p.name, mask_id(p.id_number), Gender.label_of(p.gender), p.birth_date,
                        age_on(p.birth_date, today) if p.birth_date else None, emp or "", terms)


@dataclass(frozen=True)
class CoverSummary:
    """What the person page shows of a person's mutual-aid cover."""
    person_id: int
    covered_now: bool           # in cover (or its waiting period) today in some plan
    lines: tuple[str, ...]      # one per plan year, newest first; empty: never enrolled

    @property
    def text(self) -> str:
        return "\n".join(self.lines) if self.lines else "未参加职工互助保障"


def cover_summary(db: Database, person_id: int, today: date | None = None) -> CoverSummary:
    """The person page's 互助保障 box (read function for the GUI; any thread)."""
    today = today or clock.today()
    with db.read() as s:
        terms = _terms(s, person_id, today)
    now = any(t.state in (CoverState.COVERED, CoverState.WAITING) for t in terms)
    return CoverSummary(person_id, now, tuple(t.line for t in terms))


# ------------------------------------------------------------------ the member list

@register_filter
@dataclass(frozen=True)
class MemberFilter:
    LIST = "ma_members"
    PERM = Perm.MA_VIEW                 # who may see the list (and keep saved filters of it)
    plan_id: int | None = None
    year: int | None = None             # every plan of that year
    employer_id: int | None = None
    state: str | None = None            # CoverState value, on ``today``
    period: str | None = None           # Period code of the cover start; wins over date_from/to
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""                      # name prefix or ID number prefix
    descending: bool = True
    sort: str = ""                      # one sort: enrollment order

    def days(self, today: date) -> tuple[date | None, date | None]:
        if self.period:
            return resolve_period(self.period, today)
        return self.date_from, self.date_to


@dataclass(frozen=True)
class MemberRow:
    enrollment_id: int
    person_id: int
    name: str
    id_number: str | None       # whole: the page masks it (``id_masked``), exports ask first
    gender: str | None
    birth_date: date | None
    employer_name: str
    plan_code: str
    plan_name: str
    year: int
    shares: int
    renewal: bool
    premium_fen: int
    paid_on: date | None
    cover_start: date | None
    waiting_end: date | None
    term_end: date
    state: CoverState

    @property
    def key(self) -> tuple:
        return (self.enrollment_id,)

    @property
    def id(self) -> int:
        """The row's id, as every list row has (the enrollment)."""
        return self.enrollment_id

    @property
    def id_masked(self) -> str:
        return mask_id(self.id_number)

    @property
    def gender_label(self) -> str:
        return Gender.label_of(self.gender)

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def premium_text(self) -> str:
        return format_yuan(self.premium_fen)


_SORT = SortSpec((), ())


def state_condition(state: CoverState | str, today: date):
    """SQL for ``cover_state(...) == state`` on ``today`` (the rule of app.domain.mutual_aid)."""
    st = CoverState(state)
    started, live = E.cover_start.is_not(None), P.term_end >= today
    not_waiting = or_(E.waiting_end.is_(None), E.waiting_end < today)
    return {
        CoverState.UNPAID: E.cover_start.is_(None),
        CoverState.ENDED: and_(started, P.term_end < today),
        CoverState.PENDING: and_(started, live, E.cover_start > today),
        CoverState.WAITING: and_(live, E.cover_start <= today, E.waiting_end >= today),
        CoverState.COVERED: and_(live, E.cover_start <= today, not_waiting),
    }[st]


def _people_matching(s, column: str, text: str):
    """Enrollments of the people whose ``column`` (name or id_number) starts with ``text``."""
    return person_prefix_condition(s, E.person_id, column, text)


def _conditions(s, f: MemberFilter, today: date) -> list:
    conds = []
    if f.plan_id is not None:
        conds.append(E.plan_id == f.plan_id)
    if f.year is not None:
        conds.append(P.year == f.year)
    if f.employer_id is not None:
        conds.append(E.employer_id == f.employer_id)
    if f.state:
        conds.append(state_condition(f.state, today))
    lo, hi = f.days(today)
    conds.extend(day_bounds(False, lo, hi, E.cover_start))
    text = unicodedata.normalize("NFKC", f.text or "").strip().replace(" ", "").upper()
    if text:
        conds.append(_people_matching(s, "id_number" if _ID_LIKE.fullmatch(text) else "name", text))
    return conds


def _select(conds: list) -> Select:
    return (select(E.id, E.person_id, Person.name, Person.id_number, Person.gender, Person.birth_date,
                   Employer.name, P.code, P.name, P.year, E.shares, E.renewal, E.premium_fen, B.paid_on,
                   E.cover_start, E.waiting_end, P.term_end)
            .select_from(E).join(P, P.id == E.plan_id).join(Person, Person.id == E.person_id)
            .join(Employer, Employer.id == E.employer_id).join(B, B.id == E.batch_id)
            .where(*conds))


def _rows(raw, today: date) -> tuple[MemberRow, ...]:
    return tuple(MemberRow(*r[:16], r[16], cover_state(r[14], r[15], r[16], today)) for r in raw)


def member_page(db: Database, f: MemberFilter, *, after: tuple | None = None,
                before: tuple | None = None, tail: bool = False, limit: int = PAGE_SIZE,
                today: date | None = None) -> ListPage:
    """One page of the member list (see the module text)."""
    today = today or clock.today()
    with db.read() as s:
        stmt, backwards = paged(_select(_conditions(s, f, today)), _SORT, E.id, f.descending,
                                after=after, before=before, tail=tail, limit=limit)
        raw = s.execute(stmt).all()
    more = len(raw) > limit
    raw = raw[:limit]
    if backwards:
        raw.reverse()
    return ListPage(_rows(raw, today), more)


def count_members(db: Database, f: MemberFilter, today: date | None = None) -> int:
    """How many rows the filter shows (run in the background)."""
    today = today or clock.today()
    q = select(func.count()).select_from(E)
    if f.year is not None or f.state:
        q = q.join(P, P.id == E.plan_id)
    with db.read() as s:
        return int(s.scalar(q.where(*_conditions(s, f, today))))


def iter_members(db: Database, f: MemberFilter, *, today: date | None = None, page_size: int = 1000,
                 progress=None):
    """Every row of the filter in list order, read page by page (exports); ``progress(n read)``
    may raise ``Cancelled``."""
    yield from every_row(member_page, db, f, page_size=page_size, progress=progress,
                         today=today or clock.today())


def filter_in_words(db: Database, f: MemberFilter, today: date) -> str:
    from app.domain.periods import describe
    parts = []
    with db.read() as s:
        if f.plan_id is not None:
            row = s.execute(select(P.year, P.code, P.name).where(P.id == f.plan_id)).first()
            parts.append("计划：" + (f"{row[0]}年 {row[1]} {row[2]}" if row else f"编号 {f.plan_id}"))
        if f.employer_id is not None:
            name = s.scalar(select(Employer.name).where(Employer.id == f.employer_id))
            parts.append("单位：" + (name or f"编号 {f.employer_id}"))
    if f.year is not None:
        parts.append(f"年度：{f.year}")
    if f.state:
        parts.append(f"状态：{CoverState(f.state).label}（{today.isoformat()}）")
    if f.period:
        parts.append("保障开始：" + describe(f.period, today))
    elif f.date_from or f.date_to:
        parts.append(f"保障开始：{f.date_from or '不限'} 至 {f.date_to or '不限'}")
    if f.text.strip():
        parts.append(f"姓名或身份证号「{f.text.strip()}」")
    return "；".join(parts) if parts else "全部参保会员"


def _export_columns(full: bool) -> list[tuple[object, Callable[[MemberRow], object]]]:
    from app.output.excel import Column
    ident = (lambda r: r.id_number) if full else (lambda r: r.id_masked)
    return [
        (Column("姓名", 10), lambda r: r.name),
        (Column("身份证号", 21, "code"), ident),
        (Column("性别", 6), lambda r: r.gender_label),
        (Column("单位", 28), lambda r: r.employer_name),
        (Column("年度", 6, "int"), lambda r: r.year),
        (Column("计划代码", 10), lambda r: r.plan_code),
        (Column("计划名称", 18), lambda r: r.plan_name),
        (Column("份数", 6, "int"), lambda r: r.shares),
        (Column("续保", 6), lambda r: yesno(r.renewal)),
        (Column("保费", 12, "money"), lambda r: r.premium_fen),
        (Column("缴费日期", 12, "date"), lambda r: r.paid_on),
        (Column("保障开始", 12, "date"), lambda r: r.cover_start),
        (Column("观察期至", 12, "date"), lambda r: r.waiting_end),
        (Column("保障结束", 12, "date"), lambda r: r.term_end),
        (Column("状态", 8), lambda r: r.state_label),
    ]


def export_members(db: Database, actor: Actor, f: MemberFilter, path, *, full_ids: bool = False,
                   progress=None, today: date | None = None) -> ExportResult:
    """Every row the filter shows to an xlsx file (worker thread, ``query.export.export_table``);
    ID numbers masked unless ``full_ids`` is asked by a role the office allows (then audited once
    the file is complete). ``progress(frac, message)`` may raise ``Cancelled``: no file is left."""
    from app.domain.permissions import Perm
    today = today or clock.today()
    return export_table(db, actor, f, path, perm=Perm.MA_VIEW, name="参保会员",
                        columns=_export_columns, count=lambda: count_members(db, f, today),
                        rows=lambda tick: iter_members(db, f, today=today, progress=tick),
                        words=lambda: filter_in_words(db, f, today), today=today,
                        full_ids=full_ids, progress=progress)
