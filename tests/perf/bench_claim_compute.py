"""Micro benchmark (DESIGN §6 「one claim computed (or 试算) ≤ 20 ms」): the 试算 of a claim and the
claim entered, approved and paid, through the services, on a database with the ledger's volume.

    .venv/bin/python tests/perf/bench_claim_compute.py --db /work/bench/<name>-1m.db [--runs 300]

``--db`` is a writable COPY of the 1,000,000-registration demo database (never the shared file).
It is upgraded to the newest schema; when it holds no mutual-aid plan yet, a minimal ledger is
added (three plan-years of a daily, a reimbursement and a lump plan; 100,000 members chosen from the
people with an ID number; 30,000 counted claims) so the term history a computation reads has the
real size. With the demo's ledger data already there, that is used as it is.

Not collected by pytest. Prints ``what | budget | measured | ok?``; exit 0 when within budget.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.perf.bench_foundation import Row, print_table  # noqa: E402

BUDGET_MS = 20.0


def _fill(db, members: int, claims: int, seed: int = 7) -> None:
    """A minimal ledger by bulk insert (no audit, as the demo data)."""
    from sqlalchemy import insert, select

    from app.db.models import Person
    from app.db.models_mutual_aid import MaBatch, MaClaim, MaEnrollment, MaPlan
    from app.domain.mutual_aid import PlanKind, Tier, cover_dates
    from app.services.mutual_aid.cover import plan_rule, tiers_to_json
    rnd = random.Random(seed)
    now = datetime(2026, 12, 1, 9)
    with db.write() as s:
        people = s.execute(select(Person.id, Person.employer_id).where(Person.id_number.is_not(None),
                                                                       Person.employer_id.is_not(None))
                           .order_by(Person.id).limit(members)).all()
        plan_ids = []
        for year in (2024, 2025, 2026):
            for code, kind, extra in (
                    ("ZY", PlanKind.DAILY, dict(deductible_days=3, daily_fen=4000, stay_day_cap=180,
                                                term_cap_fen=720_000)),
                    ("YL", PlanKind.REIMBURSE, dict(threshold_fen=50_000, ratio_bp=8000, term_cap_fen=2_000_000)),
                    ("TJ", PlanKind.LUMP, dict(tiers=tiers_to_json([Tier("乳腺癌", 1_000_000),
                                                                    Tier("宫颈癌", 800_000)])))):
                plan = MaPlan(year=year, code=code, name=f"{code}{year}", kind=kind.value, premium_fen=6000,
                              max_shares=3, term_start=date(year, 1, 1), term_end=date(year, 12, 31),
                              male_min_age=16, male_max_age=60, female_min_age=16, female_max_age=55,
                              members_only=False, waiting_days=90, renewal_grace_days=30, readmission_days=30,
                              tiers=extra.pop("tiers", "[]"), note="", created_at=now, updated_at=now, **extra)
                s.add(plan)
                s.flush()
                plan_ids.append((plan.id, plan))
        counted = []
        for plan_id, plan in plan_ids:
            rule = plan_rule(plan)
            employers = sorted({e for _, e in people})
            batches = {}
            for emp in employers:
                b = MaBatch(plan_id=plan_id, employer_id=emp, paid_on=date(plan.year - 1, 12, 20),
                            paid_fen=0, premium_fen=0, created_at=now, updated_at=now)
                s.add(b)
                batches[emp] = b
            s.flush()
            dates = cover_dates(rule, date(plan.year - 1, 12, 20))
            rows = [dict(plan_id=plan_id, person_id=pid, batch_id=batches[emp].id, employer_id=emp, shares=1,
                         renewal=False, premium_fen=6000, cover_start=dates.cover_start,
                         waiting_end=dates.waiting_end, eligible=True, ineligible_reason="", created_at=now)
                    for pid, emp in people]
            s.execute(insert(MaEnrollment), rows)
        enrollments = s.execute(select(MaEnrollment.id, MaEnrollment.plan_id, MaEnrollment.person_id,
                                       MaEnrollment.employer_id)).all()
        picks = rnd.sample(enrollments, min(claims, len(enrollments)))
        year_of = {pid: p.year for pid, p in plan_ids}
        for n, (eid, plan_id, person_id, emp) in enumerate(picks, 1):
            y = year_of[plan_id]
            day = date(y, 5, 1) + timedelta(days=rnd.randrange(200))
            counted.append(dict(claim_no=f"HZ{y}-{n:06d}", enrollment_id=eid, plan_id=plan_id, person_id=person_id,
                                employer_id=emp, received_on=day + timedelta(days=10), event_date=day,
                                until_date=day + timedelta(days=8), tier="", cause="肺炎", hospital="",
                                benefit_fen=20_000, explanation="", stay_days=8, paid_days=5, stay_paid_days=5,
                                state="paid", decision_note="", voucher="记-1", paid_on=day + timedelta(days=20),
                                created_at=now, updated_at=now))
        s.execute(insert(MaClaim), counted)
    _counters_up_to_date(db)


def _counters_up_to_date(db) -> None:
    """Claim-number counters at the highest number used (bulk rows do not move them)."""
    from app.db.models import Counter
    from app.services.numbering import highest_used
    with db.write() as s:
        for (name, year), n in highest_used(s).items():
            if name != "ma_claim":
                continue
            row = s.get(Counter, (name, year))
            if row is None:
                s.add(Counter(name=name, year=year, last=n))
            elif row.last < n:
                row.last = n


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--claims", type=int, default=30_000)
    args = ap.parse_args()
    if args.db.resolve() == Path("/work/bench/desk-1m.db"):
        sys.exit("refusing to write to the shared demo database: pass a copy")
    from sqlalchemy import func, select

    from app.db import open_database
    from app.db.models_mutual_aid import MaClaim, MaEnrollment, MaPlan
    from app.domain.actor import Actor
    from app.domain.enums import Role
    from app.services.mutual_aid import claims
    from app.services.mutual_aid.claims import ClaimInput

    t0 = time.perf_counter()
    db = open_database(args.db, backup_dir=args.db.parent / "mutual-bench-backups")
    rows: list[Row] = [Row("open and upgrade to head", "", f"{time.perf_counter() - t0:.1f} s", None)]
    with db.read() as s:
        have = s.scalar(select(func.count()).select_from(MaPlan))
    if not have:
        t0 = time.perf_counter()
        _fill(db, args.members, args.claims)
        rows.append(Row("minimal ledger added (bulk)", "", f"{time.perf_counter() - t0:.1f} s", None))
    _counters_up_to_date(db)
    with db.read() as s:
        n_enr = s.scalar(select(func.count()).select_from(MaEnrollment))
        n_claims = s.scalar(select(func.count()).select_from(MaClaim))
        plans = {(p.code, p.year): p for p in s.scalars(select(MaPlan))}
        year = max(y for _c, y in plans)
        daily = next(p for (c, y), p in plans.items() if y == year and p.kind == "daily")
        sample = s.execute(select(MaEnrollment.person_id).where(MaEnrollment.plan_id == daily.id)
                           .order_by(MaEnrollment.id).limit(5000)).scalars().all()
    rows.append(Row("ledger size: enrollments / claims", "", f"{n_enr:,} / {n_claims:,}", None))
    rnd = random.Random(3)
    mgr = Actor(None, "bench", "基准", Role.MANAGER)
    today = date(year, 12, 31)

    def form(pid: int) -> ClaimInput:
        day = date(year, 5, 1) + timedelta(days=rnd.randrange(150))
        return ClaimInput(plan_id=daily.id, person_id=pid, event=day, until=day + timedelta(days=rnd.randrange(1, 20)),
                          cause="肺炎")

    times = []
    for _ in range(args.runs):
        f = form(rnd.choice(sample))
        t = time.perf_counter()
        claims.quote(db, mgr, f, today=today)
        times.append((time.perf_counter() - t) * 1000)
    med, p95 = statistics.median(times), sorted(times)[int(len(times) * 0.95) - 1]
    rows.append(Row(f"试算 (quote) of a daily claim, {args.runs} members", f"≤ {BUDGET_MS:.0f} ms",
                    f"median {med:.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms", p95 <= BUDGET_MS))
    enter, approve = [], []
    now = datetime(year, 12, 31, 10)
    for _ in range(30):
        f = form(rnd.choice(sample))
        t = time.perf_counter()
        rec = claims.enter_claim(db, mgr, f, now=now)
        enter.append((time.perf_counter() - t) * 1000)
        if rec.refusal is None:
            t = time.perf_counter()
            claims.approve_claim(db, mgr, rec.id, now=now)
            approve.append((time.perf_counter() - t) * 1000)
    rows.append(Row("claim entered (computed, saved, audited), 30 claims", f"≤ {BUDGET_MS:.0f} ms",
                    f"median {statistics.median(enter):.1f} ms, max {max(enter):.1f} ms",
                    statistics.median(enter) <= BUDGET_MS))
    if approve:
        rows.append(Row(f"claim approved (computed again), {len(approve)} claims", f"≤ {BUDGET_MS:.0f} ms",
                        f"median {statistics.median(approve):.1f} ms, max {max(approve):.1f} ms",
                        statistics.median(approve) <= BUDGET_MS))
    db.close()
    print_table(rows)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
