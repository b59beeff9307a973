"""T4 帮扶: the hardship ledger's period figures (DESIGN §4 "Statistics", §5 ``hardship``).

Files (base: every household file):
  在档户数 = files on file at the END of the period: 审批建档 on or before the last day and not
  closed by then (``filed_on ≤ end`` and ``closed_on`` empty or after it); by category (the
  file's present category — known limit: a category changed after the period end shows the new one).
  新建档 = 审批建档 in the period; 出档 = closed in the period, of which 脱困, 解困（兜底） and 撤档
  (the other closure reasons: 死亡, 不再符合条件, 迁出/转移, 弄虚作假).
Assistance (base: the records PAID in the period, by paid date — as the fund ledger's 支出, so Σ
amounts = Σ 支出 of the funds):
  帮扶人次 = those records; 帮扶金额 = their amount plus the value of goods (物资), in total and by
  kind; 帮扶户数 = distinct households among them (a file, or for 临时救助 without a file the person):
  a record counts when no earlier record (smaller id) of the same household is in the period, so
  the records listed for the figure are each household's first.
Funds: each fund's 期初 / 拨入 / 支出 / 期末 for the period (``hardship.funds.ledger_in``), not a Figure.
"""
from __future__ import annotations

from sqlalchemy import and_, exists, func, or_, true
from sqlalchemy.orm import aliased

from app.db.models_hardship import HardshipFile, HardshipPayment
from app.domain.hardship import AssistanceKind, ClosureReason, HardshipCategory, PaymentState
from app.domain.statistics import Unit

from .core import Base, Ctx, FigureDef, Table

F = HardshipFile
P = HardshipPayment
PAID = PaymentState.PAID.value


def _files_base(ctx: Ctx, group: str | None) -> Base:
    return Base(F.__table__, true(), F.id)


def _on_file(ctx: Ctx):
    end = ctx.period.end
    return and_(F.filed_on.isnot(None), F.filed_on <= end, or_(F.closed_on.is_(None), F.closed_on > end))


def _closed(ctx: Ctx):
    return and_(F.closed_on >= ctx.period.start, F.closed_on <= ctx.period.end)


def _category(cat: HardshipCategory):
    return lambda ctx: and_(_on_file(ctx), F.category == cat.value)


def _closed_for(*reasons: ClosureReason):
    return lambda ctx: and_(_closed(ctx), F.closure_reason.in_([r.value for r in reasons]))


WITHDRAWN = (ClosureReason.DEATH, ClosureReason.INELIGIBLE, ClosureReason.MOVED, ClosureReason.FRAUD)

FILE_FIGURES = (
    FigureDef("hardship.files_open", "在档户数（期末）", Unit.COUNT, _on_file),
    *(FigureDef(f"hardship.files_open_{c.value}", f"其中：{c.label}", Unit.COUNT, _category(c))
      for c in HardshipCategory),
    FigureDef("hardship.files_new", "新建档户数", Unit.COUNT,
              lambda ctx: and_(F.filed_on >= ctx.period.start, F.filed_on <= ctx.period.end), share=False),
    FigureDef("hardship.files_closed", "出档户数", Unit.COUNT, _closed, share=False),
    FigureDef("hardship.files_out_of_poverty", "其中：脱困", Unit.COUNT,
              _closed_for(ClosureReason.OUT_OF_POVERTY), share=False),
    FigureDef("hardship.files_guaranteed", "其中：解困（兜底）", Unit.COUNT,
              _closed_for(ClosureReason.GUARANTEED), share=False),
    FigureDef("hardship.files_withdrawn", "其中：撤档", Unit.COUNT, _closed_for(*WITHDRAWN), share=False),
)

FILES = Table("hardship_files", _files_base, FILE_FIGURES, {"category": lambda ctx: F.category})


def _paid_in(ctx: Ctx, p=P):
    return and_(p.state == PAID, p.paid_on >= ctx.period.start, p.paid_on <= ctx.period.end)


def _payments_base(ctx: Ctx, group: str | None) -> Base:
    return Base(P.__table__, _paid_in(ctx), P.id)


def _first_of_household(ctx: Ctx):
    """No earlier record of the household paid in the period (two EXISTS, each on its index — the
    file's records, or the person's records without a file). Their state is compared through
    COALESCE so that SQLite does not take the state index and scan the period's records for each
    record."""
    e, o = aliased(HardshipPayment), aliased(HardshipPayment)

    def paid(p):
        return and_(func.coalesce(p.state, "") == PAID, p.paid_on >= ctx.period.start,
                    p.paid_on <= ctx.period.end)
    by_file = exists().where(e.file_id == P.file_id, e.id < P.id, paid(e))
    by_person = exists().where(o.person_id == P.person_id, o.file_id.is_(None), o.id < P.id, paid(o))
    return or_(and_(P.file_id.isnot(None), ~by_file), and_(P.file_id.is_(None), ~by_person))


def _amount(ctx: Ctx):
    return P.amount_fen + P.goods_value_fen


def _kind(kind: AssistanceKind):
    return lambda ctx: P.kind == kind.value


PAYMENT_FIGURES = (
    FigureDef("hardship.assisted_households", "帮扶户数", Unit.COUNT, _first_of_household, share=False),
    FigureDef("hardship.assisted_times", "帮扶人次", Unit.PERSONS, lambda ctx: true()),
    FigureDef("hardship.amount", "帮扶金额（元）", Unit.MONEY, lambda ctx: true(), _amount),
    *(FigureDef(f"hardship.amount_{k.value}", f"其中：{k.label}（元）", Unit.MONEY, _kind(k), _amount)
      for k in AssistanceKind),
)

PAYMENTS = Table("hardship_payments", _payments_base, PAYMENT_FIGURES,
                 {"kind": lambda ctx: P.kind, "fund": lambda ctx: P.fund_id})

KIND_KEYS = tuple(f"hardship.amount_{k.value}" for k in AssistanceKind)
CATEGORY_KEYS = tuple(f"hardship.files_open_{c.value}" for c in HardshipCategory)
