"""The 12-month trend (工作台 charts, the report's trend chart): per calendar month 受理量 by channel
(T1's channel figures) and 办结率 (T3's, that month's cohort as of the report date).

Same definitions as ``compute`` (the T1 and T3 tables grouped by month): a month's point equals
that month's report printed on the same report date. Two queries whatever the number of months.
Safe from any thread; nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.db import Database
from app.domain.statistics import ReportPeriod, rate

from . import t1_intake, t3_handling
from .core import aggregate, ctx_for


@dataclass(frozen=True)
class MonthPoint:
    month: date                    # the first day of the month
    channels: dict[str, int]       # T1 channel figure key → 件/批 (intake.letters…)
    total: int                     # 合计（件/批）
    accepted: int                  # T3 受理件数 of the month's cohort
    concluded: int                 # … concluded by the report date
    concluded_rate: Decimal | None  # 办结率, None for a zero denominator

    @property
    def label(self) -> str:
        return f"{self.month.year}-{self.month.month:02d}"


@dataclass(frozen=True)
class Trend:
    as_of: date
    channels: tuple[tuple[str, str], ...]   # (figure key, label 「来信」) in sheet order
    points: tuple[MonthPoint, ...]          # oldest first


def channel_labels() -> tuple[tuple[str, str], ...]:
    return tuple((k, t1_intake.TABLE.figure(k).label.split("（")[0]) for k in t1_intake.CHANNEL_KEYS)


def _months_back(last: date, months: int) -> list[date]:
    y, m = last.year, last.month
    out = []
    for _ in range(months):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def monthly(db: Database, as_of: date, months: int = 12) -> Trend:
    """The ``months`` calendar months ending with the month of ``as_of``, oldest first."""
    firsts = _months_back(as_of, months)
    period = ReportPeriod(firsts[0], ReportPeriod.month(as_of.year, as_of.month).end)
    keys = (*t1_intake.CHANNEL_KEYS, "intake.total")
    with db.read() as s:
        ctx = ctx_for(s, period, as_of)
        t1 = aggregate(s, t1_intake.TABLE, ctx, keys, group="month")
        t3 = aggregate(s, t3_handling.TABLE, ctx, ("handling.accepted", "handling.concluded"),
                       group="month")
    out = []
    for first in firsts:
        k = f"{first.year}-{first.month:02d}"
        v1, v3 = t1.get(k, {}), t3.get(k, {})
        acc, done = v3.get("handling.accepted", 0), v3.get("handling.concluded", 0)
        out.append(MonthPoint(first, {c: v1.get(c, 0) for c in t1_intake.CHANNEL_KEYS},
                              v1.get("intake.total", 0), acc, done, rate(done, acc)))
    return Trend(as_of, channel_labels(), tuple(out))
