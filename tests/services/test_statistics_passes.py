"""How the statistics are computed (``statistics.passes``): periods sharing days are read once and
summed by day or month, the queries run on several connections at once, and a commit made while
they run makes the report be computed again in one snapshot. The figures themselves are checked by
hand in test_statistics.py; here the same figures must come out whatever the plan."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import event, func, select

from app.db.models import Registration
from app.domain.statistics import ReportPeriod, comparison_as_of, comparison_periods, months_ending
from app.services import statistics
from app.services.statistics import passes, t1_intake, t3_handling, trend
from app.services.statistics.passes import Need, Spans
from tests.services.test_statistics import MARCH, MAY15, desk, reg  # noqa: F401  (fixture)

PERIODS = [MARCH, ReportPeriod.quarter(2026, 1), ReportPeriod.year(2026), ReportPeriod.year(2025),
           ReportPeriod(date(2026, 3, 5), date(2026, 3, 5)), ReportPeriod(date(2026, 2, 20), date(2026, 4, 9))]


def _needs(period, as_of, trend_months=False):
    needs = [Need(p, comparison_as_of(n, as_of)) for n, p in comparison_periods(period).items()]
    return needs + ([Need(m, as_of) for m in months_ending(period.end, 12)] if trend_months else [])


def _selects(db, work) -> list[str]:
    seen: list[str] = []
    listener = lambda *a: seen.append(a[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return [q for q in seen if q.lstrip().upper().startswith("SELECT")]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
def test_parallel_and_grouped_equal_one_query_per_period(desk, period):  # noqa: F811
    """The report on two connections with its periods summed by day or month equals, figure by
    figure, each period computed by itself on one connection."""
    db = desk["db"]
    report = statistics.compute(db, period, MAY15, trend=True, workers=2)
    for name, p in comparison_periods(period).items():
        alone = statistics.compute(db, p, comparison_as_of(name, MAY15), workers=1)
        for f in (*report.intake, *report.handling, *(r.figure for r in report.categories),
                  *report.hardship, *report.mutual_aid.totals):
            assert getattr(f, name) == alone.figure(f.key).current, \
                (f.key, name)
    assert report == statistics.compute(db, period, MAY15, trend=True, workers=1)


def test_a_month_report_reads_its_month_previous_month_and_year_to_date_once(desk):  # noqa: F811
    """March, February and January–March at one report date share days: one query grouped by month
    (T3); 上年同期 (March 2025, as of 15 May 2025) another."""
    t3 = Spans("t3", (t3_handling.TABLE,), _needs(MARCH, MAY15))
    assert len(t3.tasks()) == 2
    queries = _selects(desk["db"], lambda: passes.run(desk["db"], t3.tasks(), workers=1))
    assert len(queries) == 2 and sum("GROUP BY substr(registrations.received_at" in q for q in queries) == 1
    assert t3.of(Need(ReportPeriod.month(2026, 2), MAY15))["handling.accepted"] == \
        statistics.compute(desk["db"], ReportPeriod.month(2026, 2), MAY15).figure("handling.accepted").current


def test_a_year_report_with_its_trend_is_three_cohort_queries(desk):  # noqa: F811
    """本期, 本年累计 and the trend's months of a year report are one query grouped by month; 上期 (the
    year before, as of the report date) and 上年同期 (as of a year earlier) one each."""
    t3 = Spans("t3", (t3_handling.TABLE,), _needs(ReportPeriod.year(2026), MAY15, trend_months=True))
    assert len(t3.tasks()) == 3
    # twelve months that share no days: a plain query each, or as a series (the 工作台) one query
    months = [Need(m, MAY15) for m in months_ending(MAY15, 12)]
    assert len(Spans("t1", (t1_intake.TABLE,), months).tasks()) == 12
    assert len(Spans("t1", (t1_intake.TABLE,), months, series=True).tasks()) == 1


def test_the_workbench_trend_is_two_queries(desk):  # noqa: F811
    queries = _selects(desk["db"], lambda: trend.monthly(desk["db"], MAY15))
    assert len(queries) == 2 and all("GROUP BY substr(registrations.received_at, ?, ?)" in q for q in queries)


def test_report_trend_ends_with_the_period(desk):  # noqa: F811
    """A report's trend is the 12 months ending with the report period's last month, as of the report
    date (a March report printed in May: April 2025 – March 2026), each month equal to its report."""
    db = desk["db"]
    t = statistics.compute(db, MARCH, MAY15, trend=True).trend
    assert [p.label for p in t.points][0] == "2025-04" and t.points[-1].label == "2026-03"
    assert t == trend.monthly(db, MAY15, last=MARCH.end)
    march = t.points[-1]
    report = statistics.compute(db, MARCH, MAY15)
    assert march.total == report.figure("intake.total").current == 10
    assert march.accepted == report.figure("handling.accepted").current == 5
    assert statistics.compute(db, MARCH, MAY15).trend is None


def test_a_commit_while_the_queries_run_computes_again_in_one_snapshot(desk):  # noqa: F811
    """Two connections read; a registration committed by another connection in between would leave
    them on two states of the file: ``run`` notices (data_version) and runs every task again in one
    read transaction."""
    db, admin = desk["db"], desk["worker"]
    calls = {"count": 0, "write": 0}

    def count(s):
        calls["count"] += 1
        return s.scalar(select(func.count()).select_from(Registration))

    def write_once(s):
        if not calls["write"]:
            reg(db, admin, received=datetime(2026, 3, 20, 10), channel="call")
        calls["write"] += 1
        return s.scalar(select(func.count()).select_from(Registration))

    before = count_now = None
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(Registration))
    out = passes.run(db, {"write": write_once, "count": count}, workers=2)
    with db.read() as s:
        count_now = s.scalar(select(func.count()).select_from(Registration))
    assert count_now == before + 1
    assert calls == {"count": 2, "write": 2}                     # every task ran again…
    assert out == {"write": count_now, "count": count_now}       # …and both saw the same state


def test_an_error_in_one_worker_reaches_the_caller(desk):  # noqa: F811
    def bad(_s):
        raise ValueError("broken")
    with pytest.raises(ValueError, match="broken"):
        passes.run(desk["db"], {"a": lambda s: 1, "b": bad, "c": lambda s: 2}, workers=2)
