"""The fund of each plan-year 互助保障资金 (DESIGN §4): premiums in, benefits out, balance, 赔付率.

Contract: read-only, one Session per call, any thread; figures come straight from the records
(premiums: the payments recorded on the enrollment batches; benefits: the claims recorded as paid),
so the fund always matches the lists. 赔付率 = benefits paid ÷ premiums received, in percent
ROUND_HALF_UP to 2 decimals, None (shown 「—」) while no premium was received.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select

from app.db import Database
from app.db.models_mutual_aid import MaBatch, MaClaim, MaPlan
from app.domain.mutual_aid import ClaimState
from app.domain.statistics import rate


@dataclass(frozen=True)
class FundRecord:
    plan_id: int
    year: int
    code: str
    name: str
    premiums_fen: int            # received (batches with a payment date)
    premiums_due_fen: int        # the premium totals of every batch, paid or not
    paid_fen: int                # benefits paid out
    paid_count: int
    approved_fen: int            # approved, not paid yet (payable)
    approved_count: int
    balance_fen: int             # premiums − benefits paid
    payout_rate: Decimal | None  # benefits paid ÷ premiums, percent


def _funds(db: Database, where: list, as_of: date | None) -> list[FundRecord]:
    paid_cond = MaBatch.paid_on.is_not(None)
    claim_paid = MaClaim.state == ClaimState.PAID.value
    if as_of is not None:
        paid_cond = paid_cond & (MaBatch.paid_on <= as_of)
        claim_paid = claim_paid & (MaClaim.paid_on <= as_of)
    with db.read() as s:
        plans = s.execute(select(MaPlan.id, MaPlan.year, MaPlan.code, MaPlan.name).where(*where)
                          .order_by(MaPlan.year.desc(), MaPlan.code)).all()
        ids = [p.id for p in plans]
        if not ids:
            return []
        premiums = {r[0]: r[1:] for r in s.execute(
            select(MaBatch.plan_id, func.coalesce(func.sum(case((paid_cond, MaBatch.paid_fen), else_=0)), 0),
                   func.coalesce(func.sum(MaBatch.premium_fen), 0))
            .where(MaBatch.plan_id.in_(ids)).group_by(MaBatch.plan_id))}
        approved = MaClaim.state == ClaimState.APPROVED.value
        benefits = {r[0]: r[1:] for r in s.execute(
            select(MaClaim.plan_id,
                   func.coalesce(func.sum(case((claim_paid, MaClaim.benefit_fen), else_=0)), 0),
                   func.count(case((claim_paid, 1))),
                   func.coalesce(func.sum(case((approved, MaClaim.benefit_fen), else_=0)), 0),
                   func.count(case((approved, 1))))
            .where(MaClaim.plan_id.in_(ids)).group_by(MaClaim.plan_id))}
    out = []
    for p in plans:
        received, due = (int(v) for v in premiums.get(p.id, (0, 0)))
        paid, paid_n, appr, appr_n = (int(v) for v in benefits.get(p.id, (0, 0, 0, 0)))
        out.append(FundRecord(p.id, p.year, p.code, p.name, received, due, paid, paid_n, appr, appr_n,
                              received - paid, rate(paid, received)))
    return out


def fund(db: Database, plan_id: int, as_of: date | None = None) -> FundRecord:
    """One plan-year's fund (``as_of``: payments up to that day only)."""
    from app.domain.errors import NotFound
    found = _funds(db, [MaPlan.id == plan_id], as_of)
    if not found:
        raise NotFound(f"找不到编号为 {plan_id} 的互助计划", "plan not found")
    return found[0]


def funds(db: Database, year: int | None = None, as_of: date | None = None) -> list[FundRecord]:
    """Every plan's fund (of ``year``; None: all years), newest year first, by code."""
    return _funds(db, [MaPlan.year == year] if year is not None else [], as_of)


__all__ = ["FundRecord", "fund", "funds"]
