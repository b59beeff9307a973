"""Benchmark (DESIGN §6): the year's statistics T1–T5 computed by ``app.services.statistics``
beside the same figures by hand-written SQL in the same run (budget: ratio ≤ 1.3), and the year
report written to xlsx and to PDF (budget ≤ 5 s each): in this process, compute with the trend +
write, as ``uniondesk report`` does; and ``uniondesk report`` itself, run as a command (start,
imports, opening the database included).

The ratio compares like with like: the service on ONE connection (``workers=1``) against the hand
SQL on one connection. The report uses the service's default, one connection per core up to four
(``statistics.passes``); its line says how many.

    .venv/bin/python tests/perf/bench_statistics.py --db /tmp/you/desk-1m.db [--year 2025]
                                                    [--as-of 2026-05-22] [--rounds 3]

Use a COPY of the 1M demo database (nothing is written to it, but the file is opened read-write).
The hand-written SQL is SQLite's. It computes what the service's report computes — T1 and the T2
category rows for each distinct comparison period, 走访活动场, 合计 by employer, T2's cells, and the
T3 cohort (grouped by assignee for the period itself, ungrouped for 上年同期 and 上期), T4 帮扶's
files and assistance totals (``T4_SQL``, also used by bench_hardship.py) and T5 互助's totals — and the
script checks that both give the same numbers before comparing times. Each side is timed
``--rounds`` times, alternating; the best of each is compared. Exit status 1 when a figure differs
or a budget is exceeded.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import text  # noqa: E402

RATIO_BUDGET = 1.3
XLSX_BUDGET_S = 5.0

CHANNELS = ("letter", "call", "online", "visit", "referral", "outreach", "other")
CATEGORIES = ("consult", "suggest", "help", "complaint", "report", "legal_aid", "thanks", "other")

T12_SQL = "SELECT " + ", ".join(
    [f"SUM(channel = '{c}' AND disposition <> 'repeat')" for c in CHANNELS]
    + ["SUM(CASE WHEN channel = 'visit' AND disposition <> 'repeat' THEN head_count ELSE 0 END)",
       "SUM(disposition <> 'repeat')",
       "SUM(channel = 'visit' AND is_group = 1 AND disposition <> 'repeat')",
       "SUM(CASE WHEN channel = 'visit' AND is_group = 1 AND disposition <> 'repeat' "
       "THEN head_count ELSE 0 END)",
       "SUM(disposition = 'repeat')"]
    + [f"SUM(category = '{c}' AND disposition <> 'repeat')" for c in CATEGORIES]
) + " FROM registrations WHERE received_at >= :s AND received_at < :e"
T1_KEYS = ("letters", "calls", "online", "visit_batches", "referrals", "outreach", "other",
           "visit_persons", "total", "group_visit_batches", "group_visit_persons", "repeats")

EVENTS_SQL = "SELECT COUNT(*) FROM outreach_events WHERE held_on >= :sd AND held_on <= :ed"
EMPLOYER_SQL = ("SELECT employer_id, COUNT(*) FROM registrations WHERE received_at >= :s AND "
                "received_at < :e AND disposition <> 'repeat' GROUP BY employer_id")
CELLS_SQL = ("SELECT i.issue_type, r.category, COUNT(*) FROM registrations r JOIN registration_issues i "
             "ON i.registration_id = r.id WHERE r.received_at >= :s AND r.received_at < :e "
             "AND r.disposition <> 'repeat' GROUP BY i.issue_type, r.category")

T3_COHORT = """
WITH cohort AS (
  SELECT c.id, c.assignee_kind, c.handler_id, c.assignee_name, c.due_date, c.extended,
         c.feedback_due, c.recovered_fen, c.workers_benefited,
         CASE WHEN c.reopened_count = 0 THEN (CASE WHEN c.concluded_on <= :d THEN c.concluded_on END)
              ELSE (SELECT CASE WHEN e.kind = 'concluded' THEN date(e.at) END FROM case_events e
                    WHERE e.case_id = c.id AND e.kind IN ('concluded', 'reopened') AND e.at < :n
                    ORDER BY e.at DESC, e.id DESC LIMIT 1) END AS cday,
         CASE WHEN c.reopened_count = 0 AND c.followup_on <= :d THEN c.followup_result
              WHEN c.reopened_count = 0 AND c.followup_on IS NULL THEN NULL
              ELSE (SELECT json_extract(e.detail, '$.result') FROM case_events e
                    WHERE e.case_id = c.id AND e.kind = 'followed_up' AND e.at < :n
                      AND NOT EXISTS (SELECT 1 FROM case_events x WHERE x.case_id = c.id
                                      AND x.kind = 'reopened' AND x.at > e.at AND x.at < :n)
                    ORDER BY e.at DESC, e.id DESC LIMIT 1) END AS fu,
         CASE WHEN EXISTS (SELECT 1 FROM case_events x WHERE x.case_id = c.id
                           AND x.kind IN ('extension_approved', 'suspended', 'resumed') AND x.at >= :n)
              THEN (SELECT CASE WHEN e.kind = 'resumed' THEN NULL
                                ELSE json_extract(e.detail, '$.due_before') END
                    FROM case_events e WHERE e.case_id = c.id
                      AND e.kind IN ('extension_approved', 'suspended', 'resumed') AND e.at >= :n
                    ORDER BY e.at, e.id LIMIT 1)
              ELSE c.due_date END AS due_then
  FROM cases c JOIN registrations r ON r.id = c.registration_id
  WHERE r.received_at >= :s AND r.received_at < :e)
SELECT {group_cols}
  COUNT(*),
  SUM(assignee_kind IS NOT NULL AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = cohort.id
      AND e.kind = 'assigned' AND e.at < :n)),
  SUM(cday IS NOT NULL), SUM(cday <= due_date),
  SUM(extended = 1 AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = cohort.id
      AND e.kind = 'extension_approved' AND e.at < :n)),
  SUM(cday IS NULL), SUM(cday IS NULL AND due_then < :d),
  SUM(fu IS NOT NULL), SUM(fu = 'satisfied'), SUM(fu = 'basically'), SUM(fu = 'dissatisfied'),
  SUM(fu = 'unreachable'),
  SUM(CASE WHEN cday IS NOT NULL THEN recovered_fen ELSE 0 END),
  SUM(CASE WHEN cday IS NOT NULL THEN workers_benefited ELSE 0 END),
  SUM(feedback_due IS NOT NULL AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = cohort.id
      AND e.kind IN ('note', 'measure', 'result', 'concluded') AND date(e.at) <= feedback_due
      AND e.at < :n))
FROM cohort {group_by}
"""
T3_KEYS = ("accepted", "assigned", "concluded", "on_time", "extended", "in_progress", "overdue",
           "followed_up", "satisfied", "basically", "dissatisfied", "unreachable", "recovered",
           "workers_benefited", "fed_back_on_time")


# T4 帮扶 by hand (also used by bench_hardship.py): 在档户数 at :e, 新建档, 出档, 帮扶户数, 人次, 金额.
T4_SQL = """
SELECT
 (SELECT COUNT(*) FROM hardship_files WHERE filed_on IS NOT NULL AND filed_on <= :e
    AND (closed_on IS NULL OR closed_on > :e)),
 (SELECT COUNT(*) FROM hardship_files WHERE filed_on >= :s AND filed_on <= :e),
 (SELECT COUNT(*) FROM hardship_files WHERE closed_on >= :s AND closed_on <= :e),
 (SELECT COUNT(*) FROM (SELECT DISTINCT COALESCE(file_id, -person_id) FROM hardship_payments
    WHERE state = 'paid' AND paid_on >= :s AND paid_on <= :e)),
 (SELECT COUNT(*) FROM hardship_payments WHERE state = 'paid' AND paid_on >= :s AND paid_on <= :e),
 (SELECT COALESCE(SUM(amount_fen + goods_value_fen), 0) FROM hardship_payments
    WHERE state = 'paid' AND paid_on >= :s AND paid_on <= :e)
"""
T4_KEYS = ("hardship.files_open", "hardship.files_new", "hardship.files_closed",
           "hardship.assisted_households", "hardship.assisted_times", "hardship.amount")

# T5 互助 by hand: 参保单位 (distinct plan × union among batches paid in the period), 参保人数, 份数,
# 保费收入, 受理申请, 给付人次, 给付金额, 不予给付.
T5_SQL = """
SELECT
 (SELECT COUNT(*) FROM (SELECT DISTINCT plan_id, employer_id FROM ma_batches
    WHERE paid_on >= :s AND paid_on <= :e)),
 (SELECT COUNT(*) FROM ma_enrollments e JOIN ma_batches b ON b.id = e.batch_id
    WHERE b.paid_on >= :s AND b.paid_on <= :e),
 (SELECT COALESCE(SUM(e.shares), 0) FROM ma_enrollments e JOIN ma_batches b ON b.id = e.batch_id
    WHERE b.paid_on >= :s AND b.paid_on <= :e),
 (SELECT COALESCE(SUM(paid_fen), 0) FROM ma_batches WHERE paid_on >= :s AND paid_on <= :e),
 (SELECT COUNT(*) FROM ma_claims WHERE received_on >= :s AND received_on <= :e),
 (SELECT COUNT(*) FROM ma_claims WHERE state = 'paid' AND paid_on >= :s AND paid_on <= :e),
 (SELECT COALESCE(SUM(benefit_fen), 0) FROM ma_claims WHERE state = 'paid'
    AND paid_on >= :s AND paid_on <= :e),
 (SELECT COUNT(*) FROM ma_claims WHERE state = 'refused' AND decided_on >= :s AND decided_on <= :e)
"""
T5_KEYS = ("mutual_aid.units", "mutual_aid.members", "mutual_aid.shares", "mutual_aid.premiums",
           "mutual_aid.claims", "mutual_aid.paid_times", "mutual_aid.paid", "mutual_aid.refused")


def _dt(d: date) -> str:
    return datetime.combine(d, dtime()).strftime("%Y-%m-%d %H:%M:%S.%f")


def hand_written(db, period, as_of):
    """The same figures as ``statistics.compute``, by hand-written SQL: returns
    ({comparison: {key: value}} for T1 and T3, by_employer, cells, by assignee)."""
    from app.domain.statistics import comparison_as_of, comparison_periods
    out: dict = {}
    t12_cache: dict = {}
    t3_cache: dict = {}
    with db.read() as s:
        def t12(p):
            if p not in t12_cache:
                args = {"s": _dt(p.start), "e": _dt(p.end + timedelta(days=1))}
                row = s.execute(text(T12_SQL), args).one()
                vals = dict(zip(T1_KEYS, (int(v or 0) for v in row[:12])))
                vals.update({f"cat_{c}": int(v or 0) for c, v in zip(CATEGORIES, row[12:])})
                vals["outreach_events"] = s.execute(text(EVENTS_SQL), {
                    "sd": p.start.isoformat(), "ed": p.end.isoformat()}).scalar()
                d = {"s": p.start.isoformat(), "e": p.end.isoformat()}
                vals.update(zip(T4_KEYS, (int(v or 0) for v in s.execute(text(T4_SQL), d).one())))
                vals.update(zip(T5_KEYS, (int(v or 0) for v in s.execute(text(T5_SQL), d).one())))
                t12_cache[p] = vals
            return t12_cache[p]

        def t3(p, d, grouped=False):
            key = (p, d, grouped)
            if key not in t3_cache:
                end = min(p.end + timedelta(days=1), d + timedelta(days=1))
                args = {"s": _dt(p.start), "e": _dt(end), "d": d.isoformat(),
                        "n": _dt(d + timedelta(days=1))}
                if grouped:
                    sql = T3_COHORT.format(group_cols="assignee_kind, handler_id, assignee_name,",
                                           group_by="GROUP BY assignee_kind, handler_id, assignee_name")
                    rows = s.execute(text(sql), args).all()
                    t3_cache[key] = {tuple(r[:3]): dict(zip(T3_KEYS, (int(v or 0) for v in r[3:])))
                                     for r in rows}
                else:
                    row = s.execute(text(T3_COHORT.format(group_cols="", group_by="")), args).one()
                    t3_cache[key] = dict(zip(T3_KEYS, (int(v or 0) for v in row)))
            return t3_cache[key]

        cur = period
        groups = t3(cur, as_of, grouped=True)
        totals = {k: sum(g[k] for g in groups.values()) for k in T3_KEYS}
        for name, p in comparison_periods(period).items():
            when = comparison_as_of(name, as_of)
            out[name] = dict(t12(p))
            out[name].update(totals if (p, when) == (cur, as_of) else t3(p, when))
        args = {"s": _dt(cur.start), "e": _dt(cur.end + timedelta(days=1))}
        by_employer = {e: n for e, n in s.execute(text(EMPLOYER_SQL), args)}
        cells = {(t, c): n for t, c, n in s.execute(text(CELLS_SQL), args)}
    return out, by_employer, cells, groups


def service(db, period, as_of, **kw):
    from app.services import statistics
    return statistics.compute(db, period, as_of, **kw)


def compare(report, hand) -> list[str]:
    """Where the service and the hand-written SQL disagree (empty: they agree)."""
    out, by_employer, cells, groups = hand
    bad = []
    for name in ("current", "last_year", "previous", "ytd"):
        for k in T1_KEYS + ("outreach_events",):
            got = getattr(report.figure(f"intake.{k}"), name)
            if got != out[name][k]:
                bad.append(f"intake.{k} {name}: {got} ≠ {out[name][k]}")
        for c in CATEGORIES:
            got = getattr(report.figure(f"categories.{c}"), name)
            if got != out[name][f"cat_{c}"]:
                bad.append(f"categories.{c} {name}: {got} ≠ {out[name][f'cat_{c}']}")
        for k in T3_KEYS:
            got = getattr(report.figure(f"handling.{k}"), name)
            if got != out[name][k]:
                bad.append(f"handling.{k} {name}: {got} ≠ {out[name][k]}")
        for k in T4_KEYS + T5_KEYS:
            got = getattr(report.figure(k), name)
            if got is not None and got != out[name][k]:
                bad.append(f"{k} {name}: {got} ≠ {out[name][k]}")
    if {b.value: b.figures["intake.total"] for b in report.by_employer} != by_employer:
        bad.append("by_employer differs")
    mine = {(t, r.category): n for r in report.categories for t, n in r.cells.items() if n}
    if mine != cells:
        bad.append("T2 cells differ")
    handlers: dict = {}
    for (kind, hid, _name), vals in groups.items():
        if kind == "handler":
            handlers[hid] = handlers.get(hid, 0) + vals["assigned"]
    if {b.value: b.figures["handling.assigned"] for b in report.by_handler} != handlers:
        bad.append("by_handler differs")
    return bad


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="a COPY of the 1M demo database")
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--as-of", default="2026-05-22")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args(argv)
    from app.db import open_database
    from app.domain.statistics import ReportPeriod
    from app.services.statistics import passes, report_pdf, workbook
    period = ReportPeriod.year(a.year)
    as_of = date.fromisoformat(a.as_of)
    db = open_database(a.db, migrate=False)
    ok = True
    try:
        t_service, t_hand = [], []
        report = hand = None
        for _ in range(a.rounds):
            t0 = time.perf_counter()
            report = service(db, period, as_of, workers=1)
            t_service.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            hand = hand_written(db, period, as_of)
            t_hand.append(time.perf_counter() - t0)
        bad = compare(report, hand)
        for line in bad:
            print("DIFFERS:", line)
        ok &= not bad
        best_s, best_h = min(t_service), min(t_hand)
        ratio = best_s / best_h
        print(f"year {a.year} as of {as_of}: {report.figure('intake.total').current} registrations "
              f"(合计), {report.figure('handling.accepted').current} cases")
        print(f"service   T1–T5 (one connection): best {best_s:.3f} s  (rounds: {', '.join(f'{t:.2f}' for t in t_service)})")
        print(f"hand SQL  T1–T5: best {best_h:.3f} s  (rounds: {', '.join(f'{t:.2f}' for t in t_hand)})")
        print(f"ratio {ratio:.2f}  (budget ≤ {RATIO_BUDGET})  {'OK' if ratio <= RATIO_BUDGET else 'OVER'}")
        ok &= ratio <= RATIO_BUDGET
        workers = passes.workers_for(db)
        with tempfile.TemporaryDirectory() as folder:
            for label, write in (("xlsx", workbook.write), ("PDF", report_pdf.write)):
                times = []
                for _ in range(a.rounds):
                    t0 = time.perf_counter()
                    r = service(db, period, as_of, trend=True)
                    t1 = time.perf_counter()
                    write(Path(folder) / f"year.{label.lower()}", r, office="演示区总工会", made_on=as_of)
                    t2 = time.perf_counter()
                    times.append((t2 - t0, t1 - t0, t2 - t1))
                best = min(times)
                print(f"year report → {label}: best {best[0]:.3f} s (compute with trend on {workers} "
                      f"connections {best[1]:.3f} + write {best[2]:.3f}) (budget ≤ {XLSX_BUDGET_S} s)  "
                      f"{'OK' if best[0] <= XLSX_BUDGET_S else 'OVER'}")
                ok &= best[0] <= XLSX_BUDGET_S
            for label in ("xlsx", "pdf"):
                times = [_command(a.db, period, as_of, label, Path(folder)) for _ in range(a.rounds)]
                best = min(times)
                print(f"uniondesk report --{label} (the whole command): best {best:.3f} s "
                      f"(rounds: {', '.join(f'{t:.2f}' for t in times)}) (budget ≤ {XLSX_BUDGET_S} s)  "
                      f"{'OK' if best <= XLSX_BUDGET_S else 'OVER'}")
                ok &= best <= XLSX_BUDGET_S
    finally:
        db.close()
    return 0 if ok else 1


def _command(db_path: str, period, as_of: date, fmt: str, folder: Path) -> float:
    """Wall time of ``uniondesk report`` for the year, one format, as a user runs it."""
    import os
    import subprocess
    out = folder / f"cmd.{fmt}"
    args = [sys.executable, "-m", "app.cli", "--db", db_path, "report", "--from", period.start.isoformat(),
            "--to", period.end.isoformat(), "--as-of", as_of.isoformat(), f"--{fmt}", str(out)]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    t0 = time.perf_counter()
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.exit(main())
