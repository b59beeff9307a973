"""The 12-month trend (工作台 charts, the report's trend chart): per calendar month 受理量 by channel
(T1's channel figures) and 办结率 (T3's, that month's cohort as of the report date).

Same definitions as ``compute`` (the T1 and T3 tables summed by month): a month's point equals
that month's report printed on the same report date. ``monthly`` is the 工作台's (the months to
today); a report's trend (``compute(trend=True)``) ends with the report period's last month.
Safe from any thread; nothing is written.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.db import Database
from app.domain.statistics import ReportPeriod, months_ending, rate

from . import passes, t1_intake, t3_handling
from .passes import Need, Spans


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


def trend_of(months: list[ReportPeriod], as_of: date, t1: Callable[[ReportPeriod], dict[str, int]],
             t3: Callable[[ReportPeriod], dict[str, int]]) -> Trend:
    """The trend from each month's T1 (``t1(month)``) and T3 (``t3(month)``) figures."""
    out = []
    for m in months:
        v1, v3 = t1(m), t3(m)
        acc, done = v3.get("handling.accepted", 0), v3.get("handling.concluded", 0)
        out.append(MonthPoint(m.start, {c: v1.get(c, 0) for c in t1_intake.CHANNEL_KEYS},
                              v1.get("intake.total", 0), acc, done, rate(done, acc)))
    return Trend(as_of, channel_labels(), tuple(out))


def monthly(db: Database, as_of: date, months: int = 12, *, last: date | None = None) -> Trend:
    """The ``months`` calendar months ending with the month of ``last`` (default: of ``as_of``),
    oldest first, as of ``as_of``; one query for T1 and one for T3 (``passes.Spans``, a series)."""
    firsts = months_ending(last or as_of, months)
    needs = [Need(m, as_of) for m in firsts]
    t1 = Spans("t1", (t1_intake.TABLE,), needs, keys=(*t1_intake.CHANNEL_KEYS, "intake.total"),
               series=True)
    t3 = Spans("t3", (t3_handling.TABLE,), needs, keys=("handling.accepted", "handling.concluded"),
               series=True)
    passes.run(db, {**t3.tasks(), **t1.tasks()})
    return trend_of(firsts, as_of, lambda m: t1.of(Need(m, as_of)), lambda m: t3.of(Need(m, as_of)))
