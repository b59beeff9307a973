"""Benchmark note (not a test): employer lookup by pinyin initials from inside the name
(「zxwy」 → 北京市中兴物业服务有限公司) on a big employers table, against DESIGN §6 (lookup ≤ 50 ms).

    .venv/bin/python tests/perf/bench_employer_initials.py [--employers 50000,200000]

Builds a temporary database per size with demo-like names, then times ``people.find_employers``
(prefix on ``employers.initials``, then the ``employer_initials`` suffix index) and, for
comparison, a contains scan ``initials LIKE '%q%'`` (what an unindexed "any part" match costs).
Prints median milliseconds over 20 runs per query, and the size the suffix rows take.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from app.db import open_database  # noqa: E402
from app.db.models import Employer, EmployerInitials  # noqa: E402
from app.domain.pinyin import initials, inner_suffixes  # noqa: E402
from app.services import people  # noqa: E402
from app.services.demo.words import BUSINESSES, COMPANY_SUFFIXES, TRADE_NAMES  # noqa: E402

QUERIES = ("zxwy", "wyfw", "bjs", "qqqq", "z")   # inside, inside, prefix, nowhere, one letter


def build(path: Path, n: int) -> object:
    db = open_database(path, backup_dir=path.parent / "bk")
    rng = random.Random(1)
    scopes = [s for _i, _w, ss in BUSINESSES.values() for s in ss]
    now = datetime(2026, 1, 1)
    rows, seen = [], {"北京市中兴物业服务有限公司"}
    i = 0
    while len(rows) < n:
        i += 1
        name = (f"{rng.choice(['北京', '北京市', '北京市朝阳区'])}{rng.choice(TRADE_NAMES)}"
                f"{rng.choice(scopes)}{rng.choice(COMPANY_SUFFIXES)}")
        while name in seen:
            name = f"{name}第{i}分公司"
        seen.add(name)
        rows.append({"name": name, "industry": "", "street": "", "has_union": False, "address": "",
                     "contact": "", "phone": "", "initials": initials(name, surname=False)[:100],
                     "created_at": now, "updated_at": now})
    rows.append({**rows[-1], "name": "北京市中兴物业服务有限公司", "initials": "bjszxwyfwyxgs"})
    with db.write() as s:
        s.execute(insert(Employer.__table__), rows)
        got = s.execute(select(Employer.id, Employer.initials)).all()
        suf = [{"suffix": x, "employer_id": r.id} for r in got for x in inner_suffixes(r.initials)]
        for k in range(0, len(suf), 50_000):
            s.execute(insert(EmployerInitials.__table__), suf[k:k + 50_000])
    return db


def median_ms(fn, runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--employers", default="50000,200000")
    args = ap.parse_args()
    for n in (int(x) for x in args.employers.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            db = build(Path(tmp) / "emp.db", n)
            with db.read() as s:
                suffix_rows = s.scalar(select(func.count()).select_from(EmployerInitials))
            print(f"\n{n:,} employers, {suffix_rows:,} suffix rows "
                  f"({suffix_rows / n:.1f} per employer), file {Path(tmp, 'emp.db').stat().st_size / 1e6:.0f} MB")
            print(f"{'query':8} {'find_employers':>15} {'hits':>5} {'LIKE %q% scan':>15}")
            for q in QUERIES:
                hits = len(people.find_employers(db, q))
                indexed = median_ms(lambda q=q: people.find_employers(db, q))
                with db.read() as s:
                    scan = median_ms(lambda q=q: s.execute(text(
                        "SELECT id FROM employers WHERE initials LIKE :p ORDER BY initials LIMIT 20"),
                        {"p": f"%{q}%"}).all())
                print(f"{q:8} {indexed:12.2f} ms {hits:5} {scan:12.2f} ms")
            db.close()


if __name__ == "__main__":
    main()
