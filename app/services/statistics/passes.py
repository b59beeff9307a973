"""Few queries for many periods, on several connections at once (the year report's budget, DESIGN §6).

Spans. A report needs each table over several periods — 本期, 上年同期, 上期, 本年累计 and the trend's
twelve months — each at a report date (上年同期 at the date one year earlier). Periods that are the
same are computed once. For a table whose figures over a period are the sums of its days'
(``Table.dated_by``: T1, T2, 走访活动场, T3's cohort), the periods needed at one report date that
share days form a span; when reading the span once, grouped by day — by month when every period in
it is whole months — costs less than reading each period (``_grouped_pays``), the span is one query
and each period the sum of its days or months: a month report's 本期, 上期 and 本年累计 are one query,
and so are a year report's 本期, 本年累计 and its trend's twelve months. A ``series`` (the 工作台's
twelve months) is one query grouped by month however its months fall: the fewest statements to
build, which matters on a worker thread beside the GUI's (Python holds one lock for both). Any other table (period-end states, firsts in a period: T4, T5) is
aggregated once per distinct period (and report date, where it depends on one).

A ``detail`` need is also grouped by one of the table's groups (T3 by assignee for the 交办督办
table, T5 by plan) and its totals are the sums of those groups — so a table given a detail must
have groups that part its rows and figures that add up across them.

Parallel. ``run`` executes independent tasks (functions of a read Session) on up to ``workers``
connections, each worker one Session. SQLite gives each connection its own snapshot: ``run`` reads
``PRAGMA data_version`` before and after, and when another connection committed meanwhile it runs
every task again in one read transaction — a report never mixes two states of the database.
A PostgreSQL or in-memory database runs the tasks in one Session.

Contract: builds and runs SQL through ``core.aggregate`` only (the figure definitions stay in the
table modules); nothing is written.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.db import Database
from app.domain.statistics import ReportPeriod

from .core import Table, aggregate, bucket_of, ctx_for, merged

Task = Callable[[Session], Any]


@dataclass(frozen=True)
class Need:
    period: ReportPeriod
    as_of: date


@dataclass(frozen=True)
class _Span:
    period: ReportPeriod          # the days the query covers
    as_of: date
    grain: str | None             # "day", "month"; None: not grouped by date (the period itself)
    detail: str | None = None     # the table group the span is also grouped by


# Grouping a span by day or month costs about half as much again as reading its rows once
# (SQLite sorts them): a span is grouped when its periods would read its days more often than that.
GROUPING_COST = 1.5


def _grouped_pays(span: ReportPeriod, periods: list[ReportPeriod]) -> bool:
    return len(periods) > 1 and sum(p.days for p in periods) > GROUPING_COST * span.days


class Spans:
    """The queries covering ``needs`` for ``tables`` (those sharing a ``base_id`` in one query),
    and each needed period's figures from their results. ``detail``: (group name, need)."""

    def __init__(self, name: str, tables: Sequence[Table], needs: Sequence[Need], *,
                 keys: Sequence[str] | None = None, detail: tuple[str, Need] | None = None,
                 series: bool = False):
        self.name = name
        self.series = series        # consecutive periods (a trend): always one query, grouped
        self.tables = merged(tables)
        self.keys = keys
        self.detail = detail
        self.figure_keys = [f.key for t in self.tables for f in t.figures if keys is None or f.key in keys]
        self._spans: dict[int, list[_Span]] = {}          # table index → its spans
        self._rows: dict[tuple[int, _Span], dict] = {}
        for i, t in enumerate(self.tables):
            self._spans[i] = self._plan(t, needs)

    def _plan(self, t: Table, needs: Sequence[Need]) -> list[_Span]:
        dated = t.uses_as_of
        group, detail_need = self.detail if self.detail else (None, None)
        by_date: dict[date | None, set[ReportPeriod]] = {}
        for n in needs:
            by_date.setdefault(n.as_of if dated else None, set()).add(n.period)
        report_as_of = max(n.as_of for n in needs)
        out: list[_Span] = []
        for when, periods in by_date.items():
            as_of = when or report_as_of
            wants_detail = (detail_need is not None and detail_need.period in periods
                            and (not dated or detail_need.as_of == when))
            if t.dated_by is None:
                for p in sorted(periods, key=lambda p: (p.start, p.end)):
                    detail = group if wants_detail and p == detail_need.period else None
                    out.append(_Span(p, as_of, None, detail))
                continue
            runs: list[list] = []          # [start, end, periods] of periods sharing days
            for p in sorted(periods, key=lambda p: (p.start, p.end)):
                if runs and (p.start <= runs[-1][1]
                             or (self.series and p.start == runs[-1][1] + timedelta(days=1))):
                    runs[-1][1] = max(runs[-1][1], p.end)
                    runs[-1][2].append(p)
                else:
                    runs.append([p.start, p.end, [p]])
            for start, end, members in runs:
                span = ReportPeriod(start, end)
                if not (self.series and len(members) > 1) and not _grouped_pays(span, members):
                    out.extend(_Span(p, as_of, None, group if wants_detail and p == detail_need.period
                                     else None) for p in members)
                    continue
                grain = "month" if all(p.whole_months for p in members) else "day"
                detail = group if wants_detail and detail_need.period in members else None
                out.append(_Span(span, as_of, grain, detail))
        return out

    def tasks(self) -> dict[str, Task]:
        out: dict[str, Task] = {}
        for i, spans in self._spans.items():
            for n, span in enumerate(spans):
                out[f"{self.name}:{i}:{n}"] = self._task(i, span)
        return out

    def _task(self, i: int, span: _Span) -> Task:
        t = self.tables[i]

        def run(s: Session) -> dict:
            ctx = ctx_for(s, span.period, span.as_of)
            by = (bucket_of(ctx, t.dated_by(), span.grain),) if span.grain else ()
            rows = aggregate(s, t, ctx, self.keys, group=span.detail, by=by)
            self._rows[(i, span)] = rows
            return rows
        return run

    def _find(self, i: int, need: Need) -> _Span:
        t = self.tables[i]
        for span in self._spans[i]:
            if t.uses_as_of and span.as_of != need.as_of:
                continue
            if span.grain is None and span.period == need.period:
                return span
            if span.grain and span.period.start <= need.period.start and need.period.end <= span.period.end:
                return span
        raise KeyError(need)

    def _each(self, need: Need):
        """(table index, its span, {key: values}) of the rows of ``need``'s span(s)."""
        for i in self._spans:
            span = self._find(i, need)
            yield i, span, self._rows[(i, span)]

    @staticmethod
    def _inside(bucket: str, p: ReportPeriod) -> bool:
        return p.start.isoformat()[:len(bucket)] <= bucket <= p.end.isoformat()[:len(bucket)]

    def of(self, need: Need) -> dict[str, int]:
        """The figures of the tables over ``need``'s period (every figure key present)."""
        out = dict.fromkeys(self.figure_keys, 0)
        for _i, span, rows in self._each(need):
            for key, vals in rows.items():
                if span.grain and not self._inside(key[0], need.period):
                    continue
                for k, v in vals.items():
                    out[k] += v
        return out

    def groups(self, need: Need) -> dict[Any, dict[str, int]]:
        """The detail need's figures per value of the detail group (a group of several columns
        has a tuple as its value)."""
        out: dict[Any, dict[str, int]] = {}
        for _i, span, rows in self._each(need):
            for key, vals in rows.items():
                if span.grain:
                    if not self._inside(key[0], need.period):
                        continue
                    key = key[1:] if len(key) > 2 else key[1]
                into = out.setdefault(key, {})
                for k, v in vals.items():
                    into[k] = into.get(k, 0) + v
        return out


def workers_for(db: Database) -> int:
    """How many connections a report may read on at once: one per core up to four, on a SQLite
    file (an in-memory database is one connection; a server database keeps one snapshot)."""
    if db.path is None:
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def run(db: Database, tasks: dict[str, Task], workers: int | None = None) -> dict[str, Any]:
    """Every task's result by name; tasks are started in the order given (largest first balances
    the workers best). See the module docstring for the snapshot rule."""
    n = workers_for(db) if workers is None else max(1, workers)
    if n == 1 or len(tasks) == 1:
        return _one_session(db, tasks)
    holder = db.engine.raw_connection()     # the connection whose data_version watches the others
    try:
        cur = holder.cursor()
        cur.execute("PRAGMA data_version")
        before = cur.fetchone()[0]
        results = _parallel(db, tasks, n)
        cur.execute("PRAGMA data_version")
        after = cur.fetchone()[0]
        cur.close()
    finally:
        holder.close()
    if before != after:
        return _one_session(db, tasks)
    return results


def _one_session(db: Database, tasks: dict[str, Task]) -> dict[str, Any]:
    with db.read() as s:
        return {name: task(s) for name, task in tasks.items()}


def _parallel(db: Database, tasks: dict[str, Task], workers: int) -> dict[str, Any]:
    names = list(tasks)
    lock = threading.Lock()
    results: dict[str, Any] = {}
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with db.read() as s:
                while True:
                    with lock:
                        if errors or not names:
                            return
                        name = names.pop(0)
                    results[name] = tasks[name](s)
        except BaseException as e:          # noqa: BLE001  re-raised in the caller's thread
            with lock:
                errors.append(e)

    threads = [threading.Thread(target=work, name=f"statistics-{i}", daemon=True)
               for i in range(min(workers, len(names)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
