"""Benchmark (DESIGN §6) of the mutual-aid ledger on the 1,000,000-registration demo database with its
ledger data: a 10,000-row roster checked and imported (≤ 5 s), one claim computed (试算, ≤ 20 ms),
member lookup by ID (≤ 50 ms), the member list and the claim list — first page, a filter change,
jump to the last row (≤ 100 ms each) — and, for information, T5 of a year and the person page's cover.

    .venv/bin/python tests/perf/bench_mutual_aid.py --db /work/bench/<name>-1m.db [--runs 5]

``--db`` is a writable COPY of the shared 1M demo database (never the shared file). It is upgraded
to the newest schema, and when it holds no mutual-aid plan the demo's ledger data is added
(``app.services.demo.mutual_aid.add_to_existing``: ~100,000 members over 3 plan years, ~30,000
claims). Each run imports its roster into a plan of its own (code ``BENCH<n>``) with new people
(ID numbers of region 71NNNN for run NNNN, which the demo does not use), so runs do not collide.

Not collected by pytest. Prints ``what | budget | measured | ok?``; exit 0 when every row is within
budget. Times are the median of ``--runs`` (the first, cold, run of each list query included in
the runs).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.perf.bench_foundation import Row, fmt_ms, fmt_s, print_table  # noqa: E402


def _timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    out, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        out.append(time.perf_counter() - t)
    return out, result


def _row(what: str, budget_s: float | None, times: list[float], fmt=fmt_ms, note: str = "") -> Row:
    med = statistics.median(times)
    budget = "—" if budget_s is None else (fmt(budget_s).replace(".0 ms", " ms").replace(".000 s", " s"))
    return Row(what, ("≤ " + budget) if budget_s is not None else "—",
               fmt(med) + (f" (max {fmt(max(times))})" if len(times) > 1 else "") + note,
               None if budget_s is None else med <= budget_s)


def prepare(path: Path) -> tuple[Any, str]:
    from app.db import open_database
    from app.db.models_mutual_aid import MaPlan
    from sqlalchemy import select
    db = open_database(path, backup_dir=path.parent / (path.stem + "-backups"))
    with db.read() as s:
        has = s.execute(select(MaPlan.id).limit(1)).first() is not None
    if has:
        return db, "ledger data present"
    from app.services.demo import mutual_aid
    t = time.perf_counter()
    text = mutual_aid.add_to_existing(db)
    return db, f"ledger data added in {time.perf_counter() - t:.1f} s: {text}"


def bench_roster(db, runs_dir: Path) -> list[Row]:
    """A new plan BENCH<n> (copied from this year's 住院津贴), a union employer, 10,000 new people."""
    from sqlalchemy import func, select

    from app.db.models import Employer
    from app.db.models_mutual_aid import MaPlan
    from app.services.mutual_aid import enrollment
    from tests.roster_files import make_id, save_roster
    with db.write() as s:
        base = s.execute(select(MaPlan).where(MaPlan.code == "ZYJT").order_by(MaPlan.year.desc())).scalars().first()
        n = (s.scalar(select(func.count()).select_from(MaPlan).where(MaPlan.code.like("BENCH%"))) or 0) + 1
        values = {c.name: getattr(base, c.name) for c in MaPlan.__table__.columns if c.name != "id"}
        values["code"] = f"BENCH{n}"
        s.add(MaPlan(**values))
        emp = s.execute(select(Employer.name).where(Employer.has_union.is_(True)).order_by(Employer.id)
                        .limit(1)).scalar()
        year = base.year
        term_start = base.term_start
    rng = random.Random(n)
    rows, seen = [], set()
    while len(rows) < 10_000:
        male = rng.random() < 0.55
        born = date(term_start.year - rng.randrange(20, 50), rng.randrange(1, 13), rng.randrange(1, 29))
        number = make_id(born, rng.randrange(500), male=male, region=f"71{n % 10000:04d}")
        if number in seen:
            continue
        seen.add(number)
        rows.append((f"测试{len(rows):05d}", "男" if male else "女", number, rng.choice((1, 1, 1, 2, 3))))
    path = save_roster(runs_dir / f"roster-{n}.xlsx", rows, title=f"{year}年参保名单")
    plan = f"BENCH{n}/{year}"
    t = time.perf_counter()
    check = enrollment.check_roster(db, path, employer=emp, plan=plan)
    checked = time.perf_counter() - t
    assert check.ok, check.summary
    from app.domain.actor import CLI_ACTOR
    t = time.perf_counter()
    done = enrollment.import_roster(db, CLI_ACTOR, path, employer=emp, plan=plan,
                                    paid_on=term_start - timedelta(days=10))
    imported = time.perf_counter() - t
    return [_row("roster 10,000 rows: checked (preview, read-only)", None, [checked], fmt_s),
            _row(f"roster 10,000 rows: checked and imported, paid ({done.members:,} members)", 5.0,
                 [imported], fmt_s)]


def bench_quote(db, runs: int) -> list[Row]:
    from sqlalchemy import select

    from app.db.models_mutual_aid import MaEnrollment, MaPlan
    from app.domain.actor import Actor
    from app.domain.enums import Role
    from app.services.mutual_aid import claims
    with db.read() as s:
        rows = s.execute(select(MaEnrollment.plan_id, MaEnrollment.person_id, MaPlan.term_start, MaPlan.kind)
                         .join(MaPlan, MaPlan.id == MaEnrollment.plan_id)
                         .where(MaPlan.code == "ZYJT", MaEnrollment.cover_start.is_not(None))
                         .order_by(MaEnrollment.id.desc()).limit(2000)).all()
    rng = random.Random(3)
    clerk = Actor(None, "bench", "基准测试", Role.CLERK)
    picks = [rng.choice(rows) for _ in range(runs * 10)]

    def one(i=iter(picks)):
        plan_id, person_id, start, _kind = next(i)
        event = start + timedelta(days=200)
        return claims.quote(db, clerk, claims.ClaimInput(plan_id=plan_id, person_id=person_id, event=event,
                                                         until=event + timedelta(days=9), cause="肺炎"),
                            today=event + timedelta(days=20))
    times, q = _timed(one, runs * 10)
    return [_row("one claim computed (试算, 住院津贴, through the service)", 0.020, times,
                 note=f" e.g. 「{q.line[:30]}…」")]


def bench_lookup(db, runs: int) -> list[Row]:
    from sqlalchemy import select

    from app.db.models import Person
    from app.db.models_mutual_aid import MaEnrollment
    from app.services.mutual_aid import members
    with db.read() as s:
        sample = s.execute(select(Person.id_number, Person.name, Person.id)
                           .join(MaEnrollment, MaEnrollment.person_id == Person.id)
                           .order_by(MaEnrollment.id).limit(5000)).all()
    rng = random.Random(5)
    picks = [rng.choice(sample) for _ in range(runs * 10)]
    it = iter(picks)
    t_id, hits = _timed(lambda: members.lookup(db, next(it)[0]), runs * 10)
    assert hits, "lookup by ID found nobody"
    it = iter(picks)
    t_name, _ = _timed(lambda: members.lookup(db, next(it)[1]), runs * 10)
    it = iter(picks)
    t_rec, _ = _timed(lambda: members.member_record(db, next(it)[2]), runs * 10)
    it = iter(picks)
    t_cov, _ = _timed(lambda: members.cover_summary(db, next(it)[2]), runs * 10)
    return [_row("member lookup by ID", 0.050, t_id), _row("member lookup by name", 0.050, t_name),
            _row("member record (every plan year, claims, remaining cap)", None, t_rec),
            _row("person page: cover summary", None, t_cov)]


def _list_rows(label: str, page: Callable, runs: int, filters: list[tuple[str, Any]]) -> list[Row]:
    out = []
    base = filters[0][1]
    t, first = _timed(lambda: page(base, {}), runs)
    out.append(_row(f"{label}: first page", 0.100, t, note=f" ({len(first.rows)} rows)"))
    for name, f in filters[1:]:
        t, got = _timed(lambda f=f: page(f, {}), runs)
        out.append(_row(f"{label}: filter {name}", 0.100, t, note=f" ({len(got.rows)} rows)"))
    t, last = _timed(lambda: page(base, {"tail": True}), runs)
    out.append(_row(f"{label}: jump to last row", 0.100, t, note=f" ({len(last.rows)} rows)"))
    if first.rows:
        t, _ = _timed(lambda: page(base, {"after": first.rows[-1].key}), runs)
        out.append(_row(f"{label}: next page", 0.100, t))
    return out


def bench_lists(db, runs: int, today: date) -> list[Row]:
    from sqlalchemy import select

    from app.db.models import Employer
    from app.db.models_mutual_aid import MaBatch, MaPlan
    from app.domain.mutual_aid import ClaimState, CoverState, Refusal
    from app.services.mutual_aid import lists, members
    with db.read() as s:
        plan = s.execute(select(MaPlan.id).where(MaPlan.code == "ZYJT").order_by(MaPlan.year.desc())).scalar()
        emp = s.execute(select(MaBatch.employer_id).order_by(MaBatch.members.desc()).limit(1)).scalar()
        assert s.get(Employer, emp) is not None
    M = members.MemberFilter
    rows = _list_rows("member list", lambda f, kw: members.member_page(db, f, today=today, **kw), runs, [
        ("", M()), ("plan", M(plan_id=plan)), ("union", M(employer_id=emp)),
        ("state 观察期", M(state=CoverState.WAITING.value)),
        ("plan + state 保障中", M(plan_id=plan, state=CoverState.COVERED.value)),
        ("name 王", M(text="王"))])
    t, n = _timed(lambda: members.count_members(db, M(plan_id=plan), today), runs)
    rows.append(_row(f"member list: count (plan, {n:,})", None, t))
    C = lists.ClaimFilter
    rows += _list_rows("claim list", lambda f, kw: lists.claim_page(db, f, today=today, **kw), runs, [
        ("", C()), ("plan", C(plan_id=plan)), ("state 不予给付", C(state=ClaimState.REFUSED.value)),
        ("refusal 观察期内", C(refusal=Refusal.WAITING.value)), ("union", C(employer_id=emp))])
    return rows


def bench_t5(db, today: date) -> list[Row]:
    from app.domain.statistics import ReportPeriod
    from app.services import statistics
    period = ReportPeriod.year(today.year - 1)
    t, rep = _timed(lambda: statistics.compute(db, period, today), 1)
    t5 = rep.mutual_aid
    return [_row(f"statistics T1–T5 of {period.label} (info; T5 plans {len(t5.plans)})", None, t, fmt_s)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    if args.db.resolve() == Path("/work/bench/desk-1m.db"):
        raise SystemExit("refusing to write to the shared 1M database: pass a copy")
    from app.domain import clock
    t = time.perf_counter()
    db, note = prepare(args.db)
    print(f"{note} (open {time.perf_counter() - t:.1f} s)", file=sys.stderr)
    from sqlalchemy import func, select

    from app.db.models import Registration
    with db.read() as s:
        newest = s.scalar(select(func.max(Registration.received_at)))
    today = newest.date() + timedelta(days=1)
    rows: list[Row] = []
    with clock.fixed(datetime.combine(today, datetime.min.time()).replace(hour=10)), \
            tempfile.TemporaryDirectory() as tmp:
        rows += bench_lookup(db, args.runs)
        rows += bench_lists(db, args.runs, today)
        rows += bench_quote(db, args.runs)
        rows += bench_roster(db, Path(tmp))
        rows += bench_t5(db, today)
    db.close()
    print_table(rows)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
