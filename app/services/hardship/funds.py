"""Funds 资金来源, their allocations 拨入 and the ledger 期初/拨入/支出/期末 (DESIGN §4).

Contract:
* A fund's balance is never stored: 拨入 (``hardship_allocations``) − 支出 (paid assistance, by its
  paid date). *Available* is the balance less what is approved and not yet paid: approving a payment
  reserves its money, so an approved payment can always be paid.
* ``ensure_affordable(session, needs)`` is the one check that a payment or a whole batch (a
  campaign) does not take a fund below zero. It runs INSIDE the caller's ``db.write()`` transaction,
  before the caller writes, with the funds' rows locked (PostgreSQL ``SELECT … FOR UPDATE``; on
  SQLite ``db.write()`` began with ``BEGIN IMMEDIATE``, so no other process writes until the commit):
  two workstations paying from one fund at once never overdraw it. A shortfall raises ``Conflict``
  naming every fund short and by how much; the caller's transaction rolls back whole.
* The ledger of any period matches the payments exactly (the same sums, one query each).
* Writes need ``Perm.MANAGE_FUNDS`` (负责人) and are audited (entities ``fund``, ``fund_allocation``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models_hardship import HardshipAllocation, HardshipFund, HardshipPayment
from app.domain import clock
from app.domain.actor import Actor
from app.domain.errors import Collector, Conflict
from app.domain.hardship import PaymentState
from app.domain.ledger import LedgerLine, check_affordable, ledger_line
from app.domain.permissions import Perm

from .. import audit
from ..access import require
from .common import PAYMENT_TOTAL, day, diff, fen, get_fund, not_after, snapshot, text

F_NAME, F_NOTE, F_AMOUNT, F_DATE, F_DOC = "资金来源名称", "备注", "拨入金额", "拨入日期", "拨入文号"
F_PERIOD = "期间"
FUND_FIELDS = ("name", "active", "sort", "note")
ALLOCATION_FIELDS = ("fund_id", "doc_no", "allocated_on", "amount_fen", "note")


@dataclass(frozen=True)
class FundRecord:
    id: int
    name: str
    active: bool
    sort: int
    note: str
    allocated_fen: int      # 拨入, all time
    paid_fen: int           # 支出 (paid), all time
    committed_fen: int      # approved, not yet paid
    balance_fen: int        # 拨入 − 支出
    available_fen: int      # balance − committed: what new approvals may use


@dataclass(frozen=True)
class AllocationRecord:
    id: int
    fund_id: int
    fund_name: str
    doc_no: str
    allocated_on: date
    amount_fen: int
    note: str
    created_at: datetime


@dataclass(frozen=True)
class FundLedger:
    date_from: date
    date_to: date
    lines: tuple[LedgerLine, ...]      # one per fund, in the funds' order
    total: LedgerLine                  # 合计


# ------------------------------------------------------------------------------ sums

def _sums(s: Session, fund_ids: list[int] | None = None) -> dict[int, tuple[int, int, int]]:
    """fund id → (allocated, paid, committed), all time."""
    out: dict[int, list[int]] = {}

    def where(q, col):
        return q.where(col.in_(fund_ids)) if fund_ids is not None else q
    q = where(select(HardshipAllocation.fund_id, func.sum(HardshipAllocation.amount_fen))
              .group_by(HardshipAllocation.fund_id), HardshipAllocation.fund_id)
    for fid, total in s.execute(q):
        out.setdefault(fid, [0, 0, 0])[0] = int(total or 0)
    q = where(select(HardshipPayment.fund_id, HardshipPayment.state, func.sum(PAYMENT_TOTAL))
              .where(HardshipPayment.state.in_([PaymentState.PAID.value, PaymentState.APPROVED.value]))
              .group_by(HardshipPayment.fund_id, HardshipPayment.state), HardshipPayment.fund_id)
    for fid, state, total in s.execute(q):
        out.setdefault(fid, [0, 0, 0])[1 if state == PaymentState.PAID.value else 2] = int(total or 0)
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def available(s: Session, fund_id: int) -> int:
    """What the fund can still commit: 拨入 − 支出 − approved-unpaid (in the caller's session)."""
    a, p, c = _sums(s, [fund_id]).get(fund_id, (0, 0, 0))
    return a - p - c


def ensure_affordable(s: Session, needs: Mapping[int, int], *, committed: bool = False) -> None:
    """Refuse (``Conflict``) unless every fund in ``needs`` (fund id → fen asked of it) can pay it.

    Call inside the ``db.write()`` that then writes the payments. Locks the funds' rows first.
    ``committed``: the amounts asked are already approved (reserved) — paying them checks the
    balance (拨入 − 支出) instead of what is still available."""
    ids = sorted(k for k, v in needs.items() if v)
    if not ids:
        return
    names = {f.id: f.name for f in (get_fund(s, i, lock=True) for i in ids)}
    sums = _sums(s, ids)
    rows = []
    for i in ids:
        a, p, c = sums.get(i, (0, 0, 0))
        can = a - p if committed else a - p - c
        rows.append((names[i], can, int(needs[i])))
    check_affordable(rows)


def ensure_batch_affordable(s: Session, needs: Mapping[int, int]) -> None:
    """A whole batch (a campaign, fund id → total fen): refused whole, naming each fund short and
    the shortfall, when any fund cannot cover its part. Inside the caller's ``db.write()``."""
    ensure_affordable(s, needs)


# ------------------------------------------------------------------------------ reads

def _fund_record(f: HardshipFund, sums: dict[int, tuple[int, int, int]]) -> FundRecord:
    a, p, c = sums.get(f.id, (0, 0, 0))
    return FundRecord(id=f.id, name=f.name, active=f.active, sort=f.sort, note=f.note,
                      allocated_fen=a, paid_fen=p, committed_fen=c, balance_fen=a - p,
                      available_fen=a - p - c)


def list_funds(db: Database, *, include_inactive: bool = True) -> list[FundRecord]:
    """Every fund with its totals, in the office's order (sort, then name)."""
    with db.read() as s:
        q = select(HardshipFund).order_by(HardshipFund.sort, HardshipFund.name)
        if not include_inactive:
            q = q.where(HardshipFund.active.is_(True))
        funds = list(s.scalars(q))
        sums = _sums(s)
        return [_fund_record(f, sums) for f in funds]


def get_fund_record(db: Database, fund_id: int) -> FundRecord:
    with db.read() as s:
        return _fund_record(get_fund(s, fund_id), _sums(s, [fund_id]))


def allocations(db: Database, fund_id: int | None = None, date_from: date | None = None,
                date_to: date | None = None) -> list[AllocationRecord]:
    """Allocations 拨入, newest first, optionally of one fund and within a period (inclusive)."""
    q = (select(HardshipAllocation, HardshipFund.name)
         .join(HardshipFund, HardshipFund.id == HardshipAllocation.fund_id)
         .order_by(HardshipAllocation.allocated_on.desc(), HardshipAllocation.id.desc()))
    if fund_id is not None:
        q = q.where(HardshipAllocation.fund_id == fund_id)
    if date_from is not None:
        q = q.where(HardshipAllocation.allocated_on >= date_from)
    if date_to is not None:
        q = q.where(HardshipAllocation.allocated_on <= date_to)
    with db.read() as s:
        return [AllocationRecord(id=a.id, fund_id=a.fund_id, fund_name=name, doc_no=a.doc_no,
                                 allocated_on=a.allocated_on, amount_fen=a.amount_fen, note=a.note,
                                 created_at=a.created_at) for a, name in s.execute(q)]


def ledger_in(s: Session, date_from: date, date_to: date) -> FundLedger:
    """The ledger in the caller's session (statistics use it for the period's 帮扶 table)."""
    if date_to < date_from:
        raise Conflict(f"{F_PERIOD}：结束日期 {date_to} 早于开始日期 {date_from}，请核对",
                       "period ends before it starts")
    funds = list(s.scalars(select(HardshipFund).order_by(HardshipFund.sort, HardshipFund.name)))
    acol, pcol = HardshipAllocation.allocated_on, HardshipPayment.paid_on

    def sums(q, col) -> tuple[dict[int, int], dict[int, int]]:
        before: dict[int, int] = {}
        within: dict[int, int] = {}
        for fid, on_or_after, total in s.execute(q):
            (within if on_or_after else before)[fid] = int(total or 0)
        return before, within
    a_in = (acol >= date_from)
    a_before, a_within = sums(
        select(HardshipAllocation.fund_id, a_in, func.sum(HardshipAllocation.amount_fen))
        .where(acol <= date_to).group_by(HardshipAllocation.fund_id, a_in), acol)
    p_in = (pcol >= date_from)
    p_before, p_within = sums(
        select(HardshipPayment.fund_id, p_in, func.sum(PAYMENT_TOTAL))
        .where(HardshipPayment.state == PaymentState.PAID.value, pcol <= date_to)
        .group_by(HardshipPayment.fund_id, p_in), pcol)
    lines = tuple(ledger_line(f.name, a_before.get(f.id, 0), p_before.get(f.id, 0),
                              a_within.get(f.id, 0), p_within.get(f.id, 0)) for f in funds)
    total = LedgerLine("合计", sum(x.opening for x in lines), sum(x.allocated for x in lines),
                       sum(x.paid for x in lines), sum(x.closing for x in lines))
    return FundLedger(date_from, date_to, lines, total)


def ledger(db: Database, date_from: date, date_to: date) -> FundLedger:
    """期初 (before ``date_from``) + 拨入 − 支出 (within, inclusive; 支出 by paid date) = 期末, per fund."""
    with db.read() as s:
        return ledger_in(s, date_from, date_to)


# ------------------------------------------------------------------------------ writes

def _unique_name(s: Session, name: str, own_id: int | None, errors: Collector) -> None:
    q = select(HardshipFund.id).where(HardshipFund.name == name)
    other = s.execute(q).scalar_one_or_none()
    if other is not None and other != own_id:
        errors.add(F_NAME, f"已有名为「{name}」的资金来源，请换一个名称")


def create_fund(db: Database, actor: Actor, name: Any, note: Any = "", *,
                now: datetime | None = None) -> FundRecord:
    """A new fund source (``Perm.MANAGE_FUNDS``); the name is unique."""
    require(actor, Perm.MANAGE_FUNDS)
    now = now or clock.now()
    errors = Collector()
    name_ = text(errors, name, F_NAME, 40, required=True)
    note_ = text(errors, note, F_NOTE, 500)
    errors.raise_if_any()
    with db.write() as s:
        _unique_name(s, name_, None, errors)
        errors.raise_if_any()
        last = s.execute(select(func.max(HardshipFund.sort))).scalar() or 0
        f = HardshipFund(name=name_, active=True, sort=last + 1, note=note_, created_at=now)
        s.add(f)
        try:
            s.flush()
        except IntegrityError:
            raise Conflict(f"{F_NAME}：已有名为「{name_}」的资金来源", "fund name taken") from None
        audit.record(s, actor, "fund", f.id, "create", None, snapshot(f, FUND_FIELDS))
        return _fund_record(f, {})


def update_fund(db: Database, actor: Actor, fund_id: int, *, name: Any = None,
                active: bool | None = None, note: Any = None, sort: int | None = None) -> FundRecord:
    """Rename, (de)activate, reorder or annotate a fund (``Perm.MANAGE_FUNDS``). A fund is never
    deleted (its payments keep naming it); an inactive one is not offered for new payments."""
    require(actor, Perm.MANAGE_FUNDS)
    errors = Collector()
    name_ = text(errors, name, F_NAME, 40, required=True) if name is not None else None
    note_ = text(errors, note, F_NOTE, 500) if note is not None else None
    errors.raise_if_any()
    with db.write() as s:
        f = get_fund(s, fund_id, lock=True)
        before = snapshot(f, FUND_FIELDS)
        if name_ is not None:
            _unique_name(s, name_, f.id, errors)
            errors.raise_if_any()
            f.name = name_
        if note_ is not None:
            f.note = note_
        if active is not None:
            f.active = bool(active)
        if sort is not None:
            f.sort = int(sort)
        b, a = diff(before, snapshot(f, FUND_FIELDS))
        if a:
            audit.record(s, actor, "fund", f.id, "update", b, a)
        return _fund_record(f, _sums(s, [f.id]))


def allocate(db: Database, actor: Actor, fund_id: int, amount: Any, allocated_on: Any, doc_no: Any,
             note: Any = "", *, now: datetime | None = None) -> AllocationRecord:
    """Money into a fund 拨入 with its document number and date (``Perm.MANAGE_FUNDS``). The amount is
    > 0 (int fen, or yuan text); the date not after today."""
    require(actor, Perm.MANAGE_FUNDS)
    now = now or clock.now()
    errors = Collector()
    amount_ = fen(errors, amount, F_AMOUNT, allow_zero=False)
    on = day(errors, allocated_on, F_DATE)
    not_after(errors, on, now.date(), F_DATE)
    doc = text(errors, doc_no, F_DOC, 60, required=True)
    note_ = text(errors, note, F_NOTE, 500)
    errors.raise_if_any()
    with db.write() as s:
        f = get_fund(s, fund_id, lock=True)
        a = HardshipAllocation(fund_id=f.id, doc_no=doc, allocated_on=on, amount_fen=amount_,
                               note=note_, created_by=actor.user_id, created_at=now)
        s.add(a)
        s.flush()
        audit.record(s, actor, "fund_allocation", a.id, "create", None,
                     snapshot(a, ALLOCATION_FIELDS))
        return AllocationRecord(id=a.id, fund_id=f.id, fund_name=f.name, doc_no=a.doc_no,
                                allocated_on=a.allocated_on, amount_fen=a.amount_fen, note=a.note,
                                created_at=a.created_at)
