"""Period statistics (DESIGN §4 "Statistics"): T1 受理情况, T2 诉求类别 × 问题类型, T3 办理情况 of the
信访 desk, T4 帮扶 of the hardship ledger (with its funds' 期初/拨入/支出/期末) and T5 互助 of the
mutual-aid ledger.

Contract: ``compute(db, period, as_of)`` opens one read Session and returns a frozen
``StatisticsReport``; ``records(db, key, period, as_of)`` lists the records making one figure from
the same definition (``core``), so ``sum(r.amount) == figure`` (for a plain count: ``len``).
Safe from any thread; nothing is written.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, select

from app.db import Database
from app.db.models import Employer, User
from app.db.models_mutual_aid import MaPlan
from app.domain.enums import AssigneeKind, Category, IssueType
from app.domain.errors import UserError
from app.domain.hardship import AssistanceKind
from app.domain.ledger import LedgerLine
from app.services.hardship.funds import ledger_in
from app.domain.statistics import (Figure, PeriodKind, ReportPeriod, Unit, comparison_as_of,
                                   comparison_periods, months_ending, rate, rate_text, yuan_text)

from . import passes, t1_intake, t2_categories, t3_handling, t4_hardship, t5_mutual_aid
from .core import Table, aggregate, ctx_for, records_query
from .passes import Need, Spans
from .t5_mutual_aid import MutualAidTable
from .trend import Trend, trend_of

TABLES: dict[str, Table] = {t.name: t for t in (t1_intake.TABLE, t1_intake.EVENTS,
                                                   t2_categories.TABLE, t3_handling.TABLE,
                                                   t4_hardship.FILES, t4_hardship.PAYMENTS,
                                                   *t5_mutual_aid.TABLES)}


def table_of(key: str) -> Table:
    for t in TABLES.values():
        if any(f.key == key for f in t.figures):
            return t
    raise UserError(f"没有名为「{key}」的统计指标", f"no figure named {key!r}")


@dataclass(frozen=True)
class Breakdown:
    """One row of a breakdown (by employer, industry, street, handler, lower-level union)."""
    value: Any          # the group value records() takes (employer id, street name, handler id…)
    label: str
    figures: dict[str, int]


@dataclass(frozen=True)
class CategoryRow:
    category: str
    label: str
    figure: Figure                 # 件数 with its comparisons
    cells: dict[str, int]          # issue type code → 件 (this period)


@dataclass(frozen=True)
class StatisticsReport:
    period: ReportPeriod
    as_of: date
    intake: tuple[Figure, ...]          # T1 in sheet order (channels, 合计, 集体访, 重复, 场)
    categories: tuple[CategoryRow, ...]
    issue_totals: dict[str, int]        # issue type → 件 over all categories
    handling: tuple[Figure, ...]        # T3 counts, money and rates
    by_employer: tuple[Breakdown, ...]
    by_industry: tuple[Breakdown, ...]
    by_street: tuple[Breakdown, ...]
    by_handler: tuple[Breakdown, ...]
    by_lower_union: tuple[Breakdown, ...]
    hardship: tuple[Figure, ...] = ()   # T4: files, then assistance (t4_hardship)
    funds: tuple[LedgerLine, ...] = ()  # T4: each fund's 期初/拨入/支出/期末 in the period
    mutual_aid: MutualAidTable | None = None     # T5
    trend: Trend | None = None          # the 12 months ending with the period's (``compute(trend=True)``)

    @property
    def kind(self) -> PeriodKind:
        return self.period.kind

    def figure(self, key: str) -> Figure:
        more = self.mutual_aid.totals if self.mutual_aid is not None else ()
        for f in (self.intake + self.handling + tuple(r.figure for r in self.categories)
                  + self.hardship + more):
            if f.key == key:
                return f
        raise KeyError(key)


@dataclass(frozen=True)
class RecordRow:
    id: int         # registration id (T1, T2) or case id (T3); outreach event id for 场
    amount: int     # what the record adds to the figure (1, its 人次, fen…)


def _check(period: ReportPeriod, as_of: date) -> None:
    if as_of < period.start:
        raise UserError(f"统计截止日 {as_of.isoformat()} 早于统计期间开始日 {period.start.isoformat()}，请调整",
                        "--as-of is before the period starts")


def _figures(kind: PeriodKind, table: Table, values, base_key: str | None) -> list[Figure]:
    figs = []
    for f in table.figures:
        base = values["current"][base_key] if base_key and f.share else None
        figs.append(Figure.build(f.key, f.label, f.unit, kind,
                                 current=values["current"][f.key], last_year=values["last_year"][f.key],
                                 previous=values["previous"][f.key], ytd=values["ytd"][f.key],
                                 base=base))
    return figs


def _rate_value(rd: t3_handling.RateDef, v: dict[str, int]):
    num = sum(v[k] for k in rd.numerator)
    den = sum(v[k] for k in rd.denominator) - sum(v[k] for k in rd.minus)
    return rate(num, den)


_SKIP = object()


def _rollup(groups: dict[Any, dict[str, int]], key_of: Callable[[Any], Any], label: Callable[[Any], str],
            sort_key: str) -> tuple[Breakdown, ...]:
    """Breakdown rows from finer groups (employers → streets…): sums over groups, not records."""
    merged: dict[Any, dict[str, int]] = {}
    for g, vals in groups.items():
        k = key_of(g)
        if k is _SKIP:
            continue
        into = merged.setdefault(k, {})
        for name, v in vals.items():
            into[name] = into.get(name, 0) + v
    out = [Breakdown(k, label(k), vals) for k, vals in merged.items()]
    out.sort(key=lambda b: (-b.figures[sort_key], b.label))
    return tuple(out)


REGISTRATIONS = (t1_intake.TABLE, t1_intake.EVENTS, t2_categories.TABLE)


def compute(db: Database, period: ReportPeriod, as_of: date, *, trend: bool = False,
            workers: int | None = None) -> StatisticsReport:
    """T1–T5 for ``period`` as of the report date ``as_of`` (see the table modules for the rules);
    with ``trend`` also the 12 months ending with the period's last month (``report.trend``).

    Queries (``passes``): T1 with T2's rows, and T3, once per span of overlapping periods needed at
    one report date — the period's T3 grouped by assignee too, its totals and the handler /
    lower-level-union rows being sums over those groups; T4 and T5 once per distinct period, the
    period's T5 grouped by plan; T1's 合计 once by employer, rolled up to industry and street; T2's
    cells once by issue type. They run on up to ``workers`` connections at once (default: one per
    core, up to four)."""
    _check(period, as_of)
    kind = period.kind
    now = Need(period, as_of)
    needs = {name: Need(p, comparison_as_of(name, as_of)) for name, p in comparison_periods(period).items()}
    months = months_ending(period.end, 12) if trend else []
    reg = Spans("reg", REGISTRATIONS, [*needs.values(), *(Need(m, as_of) for m in months)])
    t3 = Spans("t3", (t3_handling.TABLE,), [*needs.values(), *(Need(m, as_of) for m in months)],
               detail=("assignee", now))
    t4 = Spans("t4", (t4_hardship.FILES, t4_hardship.PAYMENTS), list(needs.values()))
    t5 = Spans("t5", t5_mutual_aid.TABLES, list(needs.values()), detail=("plan", now))
    P = MaPlan
    in_term = and_(P.term_start <= period.end, P.term_end >= period.start)

    def current(s, table: Table, keys=None, group=None):
        return aggregate(s, table, ctx_for(s, period, as_of), keys, group=group)

    tasks = {**t3.tasks(), **reg.tasks(),
             "cells": lambda s: current(s, t2_categories.TABLE, group="issue_type"),
             "by_employer": lambda s: current(s, t1_intake.TABLE, ("intake.total",), "employer"),
             **t4.tasks(), **t5.tasks(),
             "refusals": lambda s: current(s, t5_mutual_aid.CLAIMS, ("mutual_aid.refused",), "refusal"),
             "funds": lambda s: ledger_in(s, period.start, period.end).lines,
             "employers": lambda s: {i: (n, ind, st) for i, n, ind, st in s.execute(
                 select(Employer.id, Employer.name, Employer.industry, Employer.street))},
             "users": lambda s: dict(s.execute(select(User.id, User.display_name)).all()),
             "plans": lambda s: [tuple(p) for p in s.execute(
                 select(P.id, P.year, P.code, P.name, in_term).order_by(P.year, P.code))]}
    got = passes.run(db, tasks, workers)

    v12 = {name: reg.of(n) for name, n in needs.items()}
    v3 = {name: t3.of(n) for name, n in needs.items()}
    intake = (_figures(kind, t1_intake.TABLE, v12, "intake.total")
              + _figures(kind, t1_intake.EVENTS, v12, None))
    handling = _figures(kind, t3_handling.TABLE, v3, "handling.accepted")
    for rd in t3_handling.RATES:
        vals = {n: _rate_value(rd, v3[n]) for n in v3}
        handling.append(Figure.build(rd.key, rd.label, Unit.RATE, kind, current=vals["current"],
                                     last_year=vals["last_year"], previous=vals["previous"],
                                     ytd=vals["ytd"]))
    total_new = v12["current"]["intake.total"]
    cats = _figures(kind, t2_categories.TABLE, v12, None)
    cats = [Figure.build(f.key, f.label, f.unit, kind, current=f.current, last_year=f.last_year,
                         previous=f.previous, ytd=f.ytd, base=total_new) for f in cats]
    cells = got["cells"]
    rows = tuple(CategoryRow(c.value, c.label, fig,
                             {t.value: cells.get(t.value, {}).get(fig.key, 0) for t in IssueType})
                 for c, fig in zip(Category, cats))
    issue_totals = {t.value: sum(r.cells[t.value] for r in rows) for t in IssueType}

    new, employers, user_names = "intake.total", got["employers"], got["users"]
    by_emp = got["by_employer"]
    by_employer = _rollup(by_emp, lambda g: g,
                          lambda g: employers[g][0] if g in employers else "（未填单位）", new)
    by_industry = _rollup(by_emp, lambda g: employers[g][1] if g in employers else None,
                          lambda g: g or "（未填行业）", new)
    by_street = _rollup(by_emp, lambda g: employers[g][2] if g in employers else None,
                        lambda g: g or "（未填街道）", new)
    sup = {g: {k: v[k] for k in t3_handling.SUPERVISION_KEYS} for g, v in t3.groups(now).items()}
    by_handler = _rollup(sup, lambda g: g[1] if g[0] == AssigneeKind.HANDLER.value else _SKIP,
                         lambda g: user_names.get(g, "（未指定）"), "handling.assigned")
    by_union = _rollup(sup, lambda g: g[2] if g[0] == AssigneeKind.LOWER_UNION.value else _SKIP,
                       lambda g: g or "（未填）", "handling.assigned")
    vh = {name: t4.of(n) for name, n in needs.items()}
    hardship = (_figures(kind, t4_hardship.FILES, vh, "hardship.files_open")
                + _figures(kind, t4_hardship.PAYMENTS, vh, None))
    refusals = {g: v["mutual_aid.refused"] for g, v in got["refusals"].items() if g}
    mutual_aid = t5_mutual_aid.assemble(kind, {name: t5.of(n) for name, n in needs.items()},
                                        t5.groups(now), got["plans"], refusals)
    series = trend_of(months, as_of, lambda m: reg.of(Need(m, as_of)),
                      lambda m: t3.of(Need(m, as_of))) if trend else None
    return StatisticsReport(period, as_of, tuple(intake), rows, issue_totals, tuple(handling),
                            by_employer, by_industry, by_street, by_handler, by_union,
                            tuple(hardship), tuple(got["funds"]), mutual_aid, series)


def records(db: Database, key: str, period: ReportPeriod, as_of: date, *, group: str | None = None,
            value: Any = None) -> list[RecordRow]:
    """The records making figure ``key`` (optionally one breakdown row: ``group`` and its ``value``),
    from the same definition the figure was computed with, ordered by id."""
    _check(period, as_of)
    table = table_of(key)
    if group is not None and group not in table.groups:
        raise UserError(f"指标「{key}」不能按「{group}」分组", f"figure {key} has no group {group!r}")
    with db.read() as s:
        q = records_query(table, key, ctx_for(s, period, as_of), group, value)
        return [RecordRow(int(i), int(a)) for i, a in s.execute(q)]


# ------------------------------------------------------------------------------------ JSON

INTAKE_JSON = ("letters", "calls", "online", "visit_batches", "visit_persons", "referrals", "outreach",
               "other", "total", "group_visit_batches", "group_visit_persons", "repeats",
               "outreach_events")
HANDLING_JSON = ("accepted", "assigned", "concluded", "concluded_rate", "on_time", "on_time_rate",
                 "extended", "overdue", "in_progress", "followed_up", "satisfied", "basically",
                 "dissatisfied", "unreachable", "satisfaction_rate", "recovered", "workers_benefited")


def _json_value(f: Figure):
    if f.unit is Unit.RATE:
        return rate_text(f.current)
    if f.unit is Unit.MONEY:
        return yuan_text(int(f.current))
    return int(f.current)


MUTUAL_AID_JSON = ("units", "members", "shares", "premiums", "claims", "paid_times", "paid", "refused")


def _mutual_aid_json(t: MutualAidTable | None) -> dict:
    """``plans`` [{plan (code), year, name, units, members, shares, premiums, claims, paid_times,
    paid, refused, payout_rate}], ``total`` (the same over all plans) and ``refusals`` {code: 件}."""
    if t is None:
        return {"plans": [], "total": {}, "refusals": {}}

    def values(get, payout) -> dict:
        out = {}
        for k in MUTUAL_AID_JSON:
            v = get(f"mutual_aid.{k}")
            out[k] = yuan_text(int(v)) if t5_mutual_aid.UNITS[f"mutual_aid.{k}"] is Unit.MONEY else int(v)
        out["payout_rate"] = rate_text(payout)
        return out
    plans = [{"plan": r.code, "year": r.year, "name": r.name,
              **values(lambda k, r=r: r.figures[k], r.payout_rate)} for r in t.plans]
    total = values(lambda k: t.figure(k).current, t.figure("mutual_aid.payout_rate").current)
    return {"plans": plans, "total": total, "refusals": dict(t.refusals)}


def to_json(report: StatisticsReport) -> dict:
    """The DESIGN §5 ``stats --json`` object (本期 figures)."""
    return {
        "period": {"from": report.period.start.isoformat(), "to": report.period.end.isoformat(),
                   "as_of": report.as_of.isoformat(), "kind": report.kind.value},
        "intake": {k: _json_value(report.figure(f"intake.{k}")) for k in INTAKE_JSON},
        "handling": {k: _json_value(report.figure(f"handling.{k}")) for k in HANDLING_JSON},
        "hardship": hardship_json(report),
        "mutual_aid": _mutual_aid_json(report.mutual_aid),
    }


HARDSHIP_JSON = ("files_open", "files_new", "files_closed", "files_out_of_poverty", "files_guaranteed",
                 "files_withdrawn", "assisted_households", "assisted_times", "amount")


def hardship_json(report: StatisticsReport) -> dict:
    """DESIGN §5 ``hardship``: files at period end, new, closed (and why), assisted households,
    人次, amount, ``by_kind`` {kind code: amount} and ``funds`` [{fund, opening, allocated, paid,
    closing}]; also ``files_by_category`` {category code: files on file at period end}."""
    out = {k: _json_value(report.figure(f"hardship.{k}")) for k in HARDSHIP_JSON}
    out["files_by_category"] = {k.split("files_open_")[1]: int(report.figure(k).current)
                                for k in t4_hardship.CATEGORY_KEYS}
    out["by_kind"] = {k.value: _json_value(report.figure(f"hardship.amount_{k.value}")) for k in AssistanceKind}
    out["funds"] = [{"fund": line.fund, "opening": yuan_text(line.opening), "allocated": yuan_text(line.allocated),
                     "paid": yuan_text(line.paid), "closing": yuan_text(line.closing)} for line in report.funds]
    return out
