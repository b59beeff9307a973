"""Report periods and figure arithmetic (app.domain.statistics): pure, no database."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.statistics import (Figure, PeriodKind, ReportPeriod, Unit, change, rate, rate_text,
                                   shift_year, show_rate, yuan_text)


@pytest.mark.parametrize("start,end,kind", [
    (date(2026, 3, 5), date(2026, 3, 5), PeriodKind.DAY),
    (date(2026, 2, 1), date(2026, 2, 28), PeriodKind.MONTH),
    (date(2024, 2, 1), date(2024, 2, 29), PeriodKind.MONTH),
    (date(2026, 4, 1), date(2026, 6, 30), PeriodKind.QUARTER),
    (date(2026, 1, 1), date(2026, 12, 31), PeriodKind.YEAR),
    (date(2026, 1, 1), date(2026, 3, 30), PeriodKind.RANGE),
    (date(2026, 2, 1), date(2026, 2, 27), PeriodKind.RANGE),
])
def test_kind(start, end, kind):
    assert ReportPeriod(start, end).kind is kind


def test_previous_periods():
    assert ReportPeriod.month(2026, 1).previous() == ReportPeriod.month(2025, 12)
    assert ReportPeriod.month(2026, 3).previous() == ReportPeriod(date(2026, 2, 1), date(2026, 2, 28))
    assert ReportPeriod.quarter(2026, 1).previous() == ReportPeriod.quarter(2025, 4)
    assert ReportPeriod.quarter(2026, 3).previous() == ReportPeriod(date(2026, 4, 1), date(2026, 6, 30))
    assert ReportPeriod.year(2026).previous() == ReportPeriod.year(2025)
    day = ReportPeriod(date(2026, 1, 1), date(2026, 1, 1))
    assert day.previous() == ReportPeriod(date(2025, 12, 31), date(2025, 12, 31))
    # any range: the range of equal length just before it
    r = ReportPeriod(date(2026, 3, 10), date(2026, 3, 19))
    assert r.previous() == ReportPeriod(date(2026, 2, 28), date(2026, 3, 9)) and r.previous().days == 10


def test_same_period_last_year_and_29_february():
    assert shift_year(date(2024, 2, 29)) == date(2023, 2, 28)
    assert shift_year(date(2028, 2, 29), -4) == date(2024, 2, 29)
    assert ReportPeriod.month(2024, 2).last_year() == ReportPeriod(date(2023, 2, 1), date(2023, 2, 28))
    assert ReportPeriod.month(2025, 2).last_year() == ReportPeriod(date(2024, 2, 1), date(2024, 2, 29))
    day = ReportPeriod(date(2024, 2, 29), date(2024, 2, 29))
    assert day.last_year() == ReportPeriod(date(2023, 2, 28), date(2023, 2, 28))
    r = ReportPeriod(date(2024, 2, 20), date(2024, 2, 29))
    assert r.last_year() == ReportPeriod(date(2023, 2, 20), date(2023, 2, 28))
    assert ReportPeriod.quarter(2026, 1).last_year() == ReportPeriod.quarter(2025, 1)
    assert ReportPeriod.month(2026, 5).year_to_date() == ReportPeriod(date(2026, 1, 1), date(2026, 5, 31))


def test_rate_rounding_and_zero_denominator():
    assert rate(5, 6) == Decimal("83.33")
    assert rate(1, 8) == Decimal("12.50")
    assert rate(1, 3) == Decimal("33.33") and rate(2, 3) == Decimal("66.67")
    assert rate(1, 800) == Decimal("0.13")            # 0.125: half up (banker's rounding gives 0.12)
    assert rate(107, 4000) == Decimal("2.68")         # 2.675: exact in Decimal (a float gives 2.67)
    assert rate(1, 1600) == Decimal("0.06")           # 0.0625
    assert rate(0, 5) == Decimal("0.00") and rate(3, 0) is None
    assert rate_text(None) is None and rate_text(rate(5, 6)) == "83.33"
    assert show_rate(None) == "—" and show_rate(Decimal("100")) == "100.00%"
    assert yuan_text(120050) == "1200.50" and yuan_text(0) == "0.00"


def test_change_for_counts_and_rates():
    assert change(3, 2, Unit.COUNT) == Decimal("50.00")
    assert change(1, 3, Unit.COUNT) == Decimal("-66.67")
    assert change(4, 0, Unit.COUNT) is None
    assert change(Decimal("60.00"), Decimal("100.00"), Unit.RATE) == Decimal("-40.00")
    assert change(None, Decimal("1"), Unit.RATE) is None


def test_figure_build_daily_drops_comparisons():
    f = Figure.build("k", "来电", Unit.COUNT, PeriodKind.DAY, current=2, last_year=1, previous=4, ytd=9,
                     base=8)
    assert f.share == Decimal("25.00") and f.yoy is None and f.mom is None and f.ytd == 9
    m = Figure.build("k", "追回", Unit.MONEY, PeriodKind.MONTH, current=300, last_year=200, previous=0,
                     ytd=500, base=8)
    assert m.share is None and m.yoy == Decimal("50.00") and m.mom is None


def test_period_labels_and_order():
    assert ReportPeriod.quarter(2026, 2).label == "2026年第2季度"
    assert ReportPeriod.month(2026, 3).label == "2026年3月"
    with pytest.raises(ValueError):
        ReportPeriod(date(2026, 3, 2), date(2026, 3, 1))
