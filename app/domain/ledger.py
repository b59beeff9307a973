"""A fund's ledger: 期初 + 拨入 − 支出 = 期末, and a fund never below zero (DESIGN §4).

Pure rules: the services sum the allocations and payments and call these. Used by the hardship
funds (app/services/hardship/funds.py) and open to the mutual-aid fund.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import Conflict
from .money import format_yuan


@dataclass(frozen=True)
class LedgerLine:
    """One fund over one period, in fen."""
    fund: str
    opening: int        # 期初: allocations − payments before the period
    allocated: int      # 拨入 in the period
    paid: int           # 支出 in the period
    closing: int        # 期末

    def __post_init__(self) -> None:
        if self.opening + self.allocated - self.paid != self.closing:
            raise ValueError(f"{self.fund}: 期初 {self.opening} + 拨入 {self.allocated} − 支出 "
                             f"{self.paid} ≠ 期末 {self.closing}")


def ledger_line(fund: str, allocated_before: int, paid_before: int, allocated: int,
                paid: int) -> LedgerLine:
    """The period's line from the sums before it and in it (the identity holds by construction)."""
    opening = allocated_before - paid_before
    return LedgerLine(fund, opening, allocated, paid, opening + allocated - paid)


@dataclass(frozen=True)
class Shortfall:
    fund: str
    available: int      # what the fund can still pay (fen)
    needed: int         # what is asked of it (fen)

    @property
    def missing(self) -> int:
        return self.needed - self.available

    @property
    def text(self) -> str:
        return (f"资金「{self.fund}」可用余额 {format_yuan(self.available)}，本次需支出 "
                f"{format_yuan(self.needed)}，缺口 {format_yuan(self.missing)}")


def shortfall(fund: str, available: int, needed: int) -> Shortfall | None:
    """The shortfall when paying ``needed`` would take the fund below zero, else None."""
    if needed <= available:
        return None
    return Shortfall(fund, available, needed)


def check_affordable(needs: Iterable[tuple[str, int, int]]) -> None:
    """(fund, available, needed) for each fund a payment or a batch draws on: raise Conflict naming
    every fund that would go below zero and its shortfall; nothing is written by the caller."""
    short = [s for s in (shortfall(f, a, n) for f, a, n in needs) if s is not None]
    if short:
        raise Conflict("资金余额不足，未作任何发放：" + "；".join(s.text for s in short)
                       + "。请先登记拨入或减少金额", "fund would go below zero")
