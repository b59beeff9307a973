"""The one mechanism behind every statistics figure: a figure is DEFINED once — the table's base
(FROM and the period/cohort condition), its own condition and what it adds up — and that single
definition is compiled both into the aggregate that computes the figure and into the query that lists
the records making it (``records``). So a figure and its list can never disagree.

Contract: functions here run inside a caller's read Session; they build SQL only (aggregates with
CASE sums and GROUP BY; no Python loops over rows).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, FromClause

from app.db import dialect
from app.domain.statistics import ReportPeriod, Unit


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time())


@dataclass(frozen=True)
class Ctx:
    """What a definition is evaluated for: the period, the report date and the database kind."""
    period: ReportPeriod
    as_of: date
    dialect: str = "sqlite"

    @property
    def start(self) -> datetime:
        return _midnight(self.period.start)

    @property
    def end(self) -> datetime:          # exclusive
        return _midnight(self.period.end + timedelta(days=1))

    @property
    def as_of_end(self) -> datetime:    # exclusive: the first moment after the report date
        return _midnight(self.as_of + timedelta(days=1))


@dataclass(frozen=True)
class Base:
    """The rows a table counts: ``source`` (FROM), ``where`` (the period / cohort) and ``id`` (the
    record a figure opens as)."""
    source: FromClause
    where: ColumnElement[bool]
    id: ColumnElement[int]


@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    unit: Unit
    where: Callable[[Ctx], ColumnElement[bool]]
    measure: Callable[[Ctx], ColumnElement] | None = None   # None: one per record
    share: bool = True      # False: no 占比 (the figure is not part of the table's total)

    def amount(self, ctx: Ctx) -> ColumnElement:
        return literal(1) if self.measure is None else self.measure(ctx)


@dataclass(frozen=True)
class RateDef:
    key: str
    label: str
    numerator: tuple[str, ...]     # summed figure keys
    denominator: tuple[str, ...]   # summed figure keys minus ``minus``
    minus: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One statistics table's definitions; ``base(ctx, group)`` builds its FROM/WHERE."""
    name: str
    base: Callable[[Ctx, str | None], Base]
    figures: Sequence[FigureDef]
    groups: dict[str, Callable[[Ctx], ColumnElement]]
    uses_as_of: bool = False      # False: the figures depend on the period only (not the report date)
    base_id: str = ""             # tables with the same base_id have the same ungrouped base
    # The date column whose day puts a record in a period, for a table whose figures over a period
    # are the sums of its days' (each record counted in the one day its base dates it: T1, T2, T3's
    # cohort by date received) — ``passes`` aggregates such a table once per span of days, grouped
    # by day or month. None: a period is computed on its own (period-end states, firsts in a period).
    dated_by: Callable[[], ColumnElement] | None = None

    def figure(self, key: str) -> FigureDef:
        for f in self.figures:
            if f.key == key:
                return f
        raise KeyError(key)


def bucket_of(ctx: Ctx, column, grain: str) -> ColumnElement[str]:
    """「2026-03」 (``grain`` "month") or 「2026-03-05」 ("day") of a date or datetime column, in SQL."""
    if ctx.dialect == "postgresql":
        return func.to_char(column, "YYYY-MM" if grain == "month" else "YYYY-MM-DD")
    return func.substr(column, 1, 7 if grain == "month" else 10)   # SQLite: ISO text


def month_of(ctx: Ctx, column) -> ColumnElement[str]:
    """「2026-03」: the calendar month of a date or datetime column, in SQL (the 12-month trend)."""
    return bucket_of(ctx, column, "month")


def ctx_for(s: Session, period: ReportPeriod, as_of: date) -> Ctx:
    return Ctx(period, as_of, dialect.name(s))


def _group_cols(table: Table, group: str, ctx: Ctx) -> tuple[ColumnElement, ...]:
    g = table.groups[group](ctx)
    return g if isinstance(g, tuple) else (g,)


def aggregate(s: Session, table: Table, ctx: Ctx, keys: Sequence[str] | None = None,
              group: str | None = None, by: Sequence[ColumnElement] = ()) -> dict[Any, dict[str, int]]:
    """Every figure of ``table`` for ``ctx`` in one query: ``{None: {key: value}}``, or with
    ``group`` (a name of ``table.groups``) ``{group value: {key: value}}`` for groups with rows (a
    group of several columns has a tuple as its value). ``by``: columns grouped by before the
    group's (the key is then the tuple of all of them)."""
    figs = [f for f in table.figures if keys is None or f.key in keys]
    base = table.base(ctx, group)
    cols = [func.coalesce(func.sum(case((f.where(ctx), f.amount(ctx)), else_=0)), 0).label(f"f{i}")
            for i, f in enumerate(figs)]
    if group is None and not by:
        row = s.execute(select(*cols).select_from(base.source).where(base.where)).one()
        return {None: {f.key: int(v) for f, v in zip(figs, row)}}
    g = (*by, *(_group_cols(table, group, ctx) if group else ()))
    n = len(g)
    q = (select(*(c.label(f"g{i}") for i, c in enumerate(g)), *cols).select_from(base.source)
         .where(base.where).group_by(*g))
    multi = bool(by) or isinstance(table.groups[group](ctx), tuple)
    return {(tuple(r[:n]) if multi else r[0]): {f.key: int(v) for f, v in zip(figs, r[n:])}
            for r in s.execute(q)}


def merged(tables: Sequence[Table]) -> list[Table]:
    """The tables, those sharing a ``base_id`` merged into one (one query for all their figures)."""
    out: list[Table] = []
    done: set[str] = set()
    for t in tables:
        if t.base_id and t.base_id in done:
            continue
        same = [u for u in tables if t.base_id and u.base_id == t.base_id] or [t]
        done.add(t.base_id)
        out.append(t if len(same) == 1 else
                   Table(t.name, t.base, [f for u in same for f in u.figures], {}, t.uses_as_of,
                         t.base_id, t.dated_by))
    return out


def aggregate_tables(s: Session, tables: Sequence[Table], ctx: Ctx) -> dict[str, int]:
    """The ungrouped figures of several tables; tables sharing a ``base_id`` in one query."""
    out: dict[str, int] = {}
    for t in merged(tables):
        out.update(aggregate(s, t, ctx)[None])
    return out


def total(groups: dict[Any, dict[str, int]]) -> dict[str, int]:
    """The whole from a grouped ``aggregate`` (groups partition the rows: sums over groups, not
    over records)."""
    out: dict[str, int] = {}
    for vals in groups.values():
        for k, v in vals.items():
            out[k] = out.get(k, 0) + v
    return out


def records_query(table: Table, key: str, ctx: Ctx, group: str | None = None,
                  group_value: Any = None):
    """``SELECT id, amount`` of the records making figure ``key`` (same definition as
    ``aggregate``), ordered by id."""
    f = table.figure(key)
    base = table.base(ctx, group)
    cond = and_(base.where, f.where(ctx))
    if group is not None:
        g = _group_cols(table, group, ctx)
        values = group_value if isinstance(table.groups[group](ctx), tuple) else (group_value,)
        for c, v in zip(g, values):
            cond = and_(cond, c.is_(None) if v is None else c == v)
    return (select(base.id.label("id"), f.amount(ctx).label("amount"))
            .select_from(base.source).where(cond).order_by(base.id))
