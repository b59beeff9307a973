"""Relative periods, resolved against a fixed today (app.domain.periods, no database)."""
from __future__ import annotations

from datetime import date

import pytest

from app.domain.enums import Period
from app.domain.periods import describe, period_of, resolve_period


@pytest.mark.parametrize("today,period,expected", [
    (date(2026, 11, 18), Period.LAST_QUARTER, (date(2026, 7, 1), date(2026, 9, 30))),
    (date(2026, 2, 10), Period.LAST_QUARTER, (date(2025, 10, 1), date(2025, 12, 31))),
    (date(2026, 4, 1), Period.LAST_QUARTER, (date(2026, 1, 1), date(2026, 3, 31))),
    (date(2026, 7, 1), Period.LAST_QUARTER, (date(2026, 4, 1), date(2026, 6, 30))),
    (date(2026, 11, 18), Period.LAST_YEAR, (date(2025, 1, 1), date(2025, 12, 31))),
    (date(2029, 2, 28), Period.LAST_YEAR, (date(2028, 1, 1), date(2028, 12, 31))),
    (date(2026, 3, 31), Period.LAST_MONTH, (date(2026, 2, 1), date(2026, 2, 28))),
    (date(2026, 1, 1), Period.LAST_MONTH, (date(2025, 12, 1), date(2025, 12, 31))),
    (date(2026, 3, 1), Period.LAST_30_DAYS, (date(2026, 1, 31), date(2026, 3, 1))),
])
def test_previous_periods(today, period, expected):
    assert resolve_period(period, today) == expected
    assert resolve_period(period.label, today) == expected


def test_new_periods_are_offered_by_label():
    assert period_of("上季度") is Period.LAST_QUARTER
    assert period_of("去年") is Period.LAST_YEAR
    assert period_of("上月") is Period.LAST_MONTH


def test_every_period_resolves_to_a_range_that_holds_or_precedes_today():
    today = date(2026, 5, 17)
    for p in Period:
        start, end = resolve_period(p, today)
        assert start <= end
        assert start <= today


def test_describe_says_the_days():
    assert describe(Period.LAST_30_DAYS, date(2026, 11, 18)) == "近30天（2026-10-20 至 2026-11-18）"
    assert describe("去年", date(2026, 11, 18)) == "去年（2025-01-01 至 2025-12-31）"
