"""T5 互助: the mutual-aid ledger in the period, per plan (DESIGN §4 "Statistics": per plan units,
members, 份, premiums, claims received, paid 人次 and amount, refusals by reason, 赔付率).

Definitions (each a figure below, so the figure and the list behind it are one definition):
* 参保: counted by the day the premium was paid (``ma_batches.paid_on`` in the period) — a roster
  counts when its union has paid. 参保人数 = the enrollments of those batches; 份数 = their 份;
  参保单位 = the unions with such a batch (a union paying two batches for one plan counts once: the
  first batch of the period counts); 保费收入 = the amounts received (``paid_fen``), as the fund counts them.
* 受理申请 = claims received in the period; 给付人次 / 给付金额 = claims paid in the period (paid date)
  and their benefits; 不予给付 = claims refused with the decision dated in the period (by reason too).
* 赔付率 = 给付金额 ÷ 保费收入 (the period's own figures; 「—」 while no premium came in).
The figures do not depend on the report date.

Contract: SQL definitions only (``core``); ``assemble`` turns the aggregates into the frozen
``MutualAidTable`` (totals with their comparisons, one row per plan, refusals by reason).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, exists, or_, true
from sqlalchemy.orm import aliased

from app.db.models_mutual_aid import MaBatch, MaClaim, MaEnrollment
from app.domain.mutual_aid import ClaimState, Refusal
from app.domain.statistics import Figure, PeriodKind, Unit, rate

from .core import Base, Ctx, FigureDef, RateDef, Table

B, E, C = MaBatch, MaEnrollment, MaClaim


def _paid_in(ctx: Ctx, col):
    return and_(col >= ctx.period.start, col <= ctx.period.end)


def _enrolled_base(ctx: Ctx, group: str | None) -> Base:
    return Base(E.__table__.join(B.__table__, B.id == E.batch_id), _paid_in(ctx, B.paid_on), E.id)


def _batch_base(ctx: Ctx, group: str | None) -> Base:
    return Base(B.__table__, _paid_in(ctx, B.paid_on), B.id)


def _claim_base(ctx: Ctx, group: str | None) -> Base:
    return Base(C.__table__, or_(_paid_in(ctx, C.received_on), _paid_in(ctx, C.paid_on),
                                 _paid_in(ctx, C.decided_on)), C.id)


def _first_batch(ctx: Ctx):
    o = aliased(MaBatch)
    return ~exists().where(o.plan_id == B.plan_id, o.employer_id == B.employer_id, o.id < B.id,
                           _paid_in(ctx, o.paid_on))


def _paid(ctx: Ctx):
    return and_(C.state == ClaimState.PAID.value, _paid_in(ctx, C.paid_on))


def _refused(ctx: Ctx):
    return and_(C.state == ClaimState.REFUSED.value, _paid_in(ctx, C.decided_on))


ENROLLED = Table("mutual_aid_enrolled", _enrolled_base, (
    FigureDef("mutual_aid.members", "参保人数", Unit.COUNT, lambda ctx: true(), share=False),
    FigureDef("mutual_aid.shares", "参保份数", Unit.COUNT, lambda ctx: true(), lambda ctx: E.shares,
              share=False),
), {"plan": lambda ctx: E.plan_id})

BATCHES = Table("mutual_aid_batches", _batch_base, (
    FigureDef("mutual_aid.units", "参保单位（个）", Unit.COUNT, _first_batch, share=False),
    FigureDef("mutual_aid.premiums", "保费收入（元）", Unit.MONEY, lambda ctx: true(),
              lambda ctx: B.paid_fen),
), {"plan": lambda ctx: B.plan_id})

CLAIMS = Table("mutual_aid_claims", _claim_base, (
    FigureDef("mutual_aid.claims", "受理申请（件）", Unit.COUNT,
              lambda ctx: _paid_in(ctx, C.received_on), share=False),
    FigureDef("mutual_aid.paid_times", "给付人次", Unit.PERSONS, _paid),
    FigureDef("mutual_aid.paid", "给付金额（元）", Unit.MONEY, _paid, lambda ctx: C.benefit_fen),
    FigureDef("mutual_aid.refused", "不予给付（件）", Unit.COUNT, _refused, share=False),
), {"plan": lambda ctx: C.plan_id, "refusal": lambda ctx: C.refusal})

TABLES = (BATCHES, ENROLLED, CLAIMS)

PAYOUT = RateDef("mutual_aid.payout_rate", "赔付率", ("mutual_aid.paid",), ("mutual_aid.premiums",))

# The order of T5's columns and of its figure rows.
KEYS = ("mutual_aid.units", "mutual_aid.members", "mutual_aid.shares", "mutual_aid.premiums",
        "mutual_aid.claims", "mutual_aid.paid_times", "mutual_aid.paid", "mutual_aid.refused")
LABELS = {f.key: f.label for t in TABLES for f in t.figures}
UNITS = {f.key: f.unit for t in TABLES for f in t.figures}


@dataclass(frozen=True)
class PlanRow:
    plan_id: int
    year: int
    code: str
    name: str
    figures: dict[str, int]            # KEYS → this period's value
    payout_rate: Decimal | None


@dataclass(frozen=True)
class MutualAidTable:
    totals: tuple[Figure, ...]         # KEYS then 赔付率, with their comparisons
    plans: tuple[PlanRow, ...]         # plans with a figure in the period, or in term then
    refusals: dict[str, int]           # Refusal code → 不予给付 in the period

    def figure(self, key: str) -> Figure:
        for f in self.totals:
            if f.key == key:
                return f
        raise KeyError(key)


def assemble(kind: PeriodKind, values: dict[str, dict[str, int]], groups: dict, plans: list,
             refusals: dict) -> MutualAidTable:
    """``values``: {comparison: {key: value}}; ``groups``: {plan id: {key: value}} (this period);
    ``plans``: (id, year, code, name, in_term) of the plans; ``refusals``: {code: count}."""
    totals = [Figure.build(k, LABELS[k], UNITS[k], kind, current=values["current"][k],
                           last_year=values["last_year"][k], previous=values["previous"][k],
                           ytd=values["ytd"][k]) for k in KEYS]
    rates = {n: rate(v["mutual_aid.paid"], v["mutual_aid.premiums"]) for n, v in values.items()}
    totals.append(Figure.build(PAYOUT.key, PAYOUT.label, Unit.RATE, kind, current=rates["current"],
                               last_year=rates["last_year"], previous=rates["previous"], ytd=rates["ytd"]))
    rows = []
    for pid, year, code, name, in_term in plans:
        figs = {k: groups.get(pid, {}).get(k, 0) for k in KEYS}
        if in_term or any(figs.values()):
            rows.append(PlanRow(pid, year, code, name, figs,
                                rate(figs["mutual_aid.paid"], figs["mutual_aid.premiums"])))
    order = {r.value: i for i, r in enumerate(Refusal)}
    ref = {k: v for k, v in sorted(refusals.items(), key=lambda kv: order.get(kv[0], 99)) if v}
    return MutualAidTable(tuple(totals), tuple(rows), ref)
