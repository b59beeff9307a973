"""Relative periods (今天, 本月, 上季度, 去年…): the one place where each gets its meaning.

A list filter keeps the ``Period`` code and resolves it against ``today`` here only, so a saved 本月
means the current month when it is reopened, and the filter bar shows the same days the query uses.
Pure: no database, no clock (``today`` is always passed in).
"""
from __future__ import annotations

import calendar as _pycal
from datetime import date, timedelta

from app.domain.enums import Period
from app.domain.errors import ValidationError

PERIOD_FIELD_LABEL = "时间范围"


def period_of(value: Period | str | None) -> Period | None:
    """A ``Period`` from its code or its Chinese label (「本月」); None for blank. Anything else is a
    ValidationError naming the field."""
    if value is None or value == "":
        return None
    if isinstance(value, Period):
        return value
    try:
        return Period(value)
    except ValueError:
        for p in Period:
            if p.label == value:
                return p
    raise ValidationError([(PERIOD_FIELD_LABEL, f"「{value}」不是可用的时间范围，请从列表中选择")])


def _month_end(year: int, month: int) -> date:
    return date(year, month, _pycal.monthrange(year, month)[1])


def _quarter(year: int, quarter_index: int) -> tuple[date, date]:
    """Quarter 0…3 of ``year``."""
    first = quarter_index * 3 + 1
    return date(year, first, 1), _month_end(year, first + 2)


def resolve_period(period: Period | str, today: date) -> tuple[date, date]:
    """The first and last day (both included) of a relative period on ``today``."""
    p = period_of(period)
    if p is Period.TODAY:
        return today, today
    if p is Period.THIS_WEEK:                     # Monday … Sunday
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if p is Period.THIS_MONTH:
        return today.replace(day=1), _month_end(today.year, today.month)
    if p is Period.LAST_MONTH:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if p is Period.THIS_QUARTER:
        return _quarter(today.year, (today.month - 1) // 3)
    if p is Period.LAST_QUARTER:
        q = (today.month - 1) // 3 - 1
        return _quarter(today.year - 1, 3) if q < 0 else _quarter(today.year, q)
    if p is Period.THIS_YEAR:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if p is Period.LAST_YEAR:
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if p is Period.LAST_7_DAYS:
        return today - timedelta(days=6), today
    if p is Period.LAST_30_DAYS:
        return today - timedelta(days=29), today
    raise ValueError(period)


def describe(period: Period | str, today: date) -> str:
    """「上季度（2026-07-01 至 2026-09-30）」: the period in words with the days it means."""
    p = period_of(period)
    start, end = resolve_period(p, today)
    return f"{p.label}（{start.isoformat()} 至 {end.isoformat()}）"
