"""Benchmark (DESIGN §6): 1,000 notices into one PDF (budget ≤ 10 s).

    .venv/bin/python tests/perf/bench_notices.py [--count 1000] [--out /tmp/notices-1000.pdf]
                                                 [--registrations 3000] [--skip-db]

1. Renders ``count`` two-paragraph 受理告知书 (a different petitioner and number each) with
   :func:`app.output.pdf.render` and prints pages, seconds and file size.
2. Against a demo database (``app.services.demo.generate`` with ``--registrations``, in a temporary
   folder): ``notices.issue_for_cases`` issues a 受理告知书 for ``count`` cases in one transaction,
   then ``notice_pdf.render_pdf`` writes them into one PDF — the figure DESIGN §6 budgets, printed
   beside the budget (issue, render and both). A second ``issue_for_cases`` (all reprints) is timed
   too. Exit status 1 when a figure is over budget.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.output.pdf import NoticeDocument, render  # noqa: E402

BUDGET_S = 10.0
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英堃喆"


def notices(count: int) -> list[NoticeDocument]:
    out = []
    for i in range(count):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 3) % len(GIVEN)]
        out.append(NoticeDocument(
            issuer="北京市朝阳区总工会", doc_no=f"朝工信〔2026〕{i + 1}号", title="受理告知书",
            addressee=name if i % 5 else f"{name}等{i % 17 + 5}人",
            paragraphs=[
                f"你于2026年11月{i % 28 + 1}日通过来访方式反映的北京某某科技有限公司拖欠工资"
                f"{i * 37 % 90000 + 1000}元问题，经审查，符合受理条件，我会已于2026年11月22日依法受理。",
                "我会将按照《信访工作条例》的规定，自受理之日起六十日内办结，并将处理意见书面告知你。"
                "如需补充材料或了解办理进展，请与承办人联系。",
                "承办人：李明　联系电话：010-85951234　地址：北京市朝阳区某某路1号。"],
            date=date(2026, 11, 22),
            delivery=[f"送达方式：当面　送达日期：2026年11月22日　受送达人：{name}"]))
    return out


def bench_database(count: int, registrations: int, out: Path) -> bool:
    from sqlalchemy import select

    from app.db import open_database
    from app.db.models import Case
    from app.domain.actor import CLI_ACTOR
    from app.services import demo
    from app.services.petitions import notice_pdf, notices

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "bench.db")
        try:
            t0 = time.perf_counter()
            demo.generate(db, seed=1, registrations=registrations)
            made = time.perf_counter() - t0
            with db.read() as s:
                ids = list(s.execute(select(Case.id).order_by(Case.id).limit(count)).scalars())
            if len(ids) < count:
                print(f"only {len(ids)} cases in a {registrations}-registration demo database; "
                      "raise --registrations")
                return False
            t0 = time.perf_counter()
            batch = notices.issue_for_cases(db, CLI_ACTOR, "accept", ids)
            t_issue = time.perf_counter() - t0
            t0 = time.perf_counter()
            result = notice_pdf.render_pdf(db, batch.notice_ids, out)
            t_render = time.perf_counter() - t0
            t0 = time.perf_counter()
            again = notices.issue_for_cases(db, CLI_ACTOR, "accept", ids)
            t_reuse = time.perf_counter() - t0
        finally:
            db.close()
    total = t_issue + t_render
    ok = total <= BUDGET_S
    size = out.stat().st_size
    print(f"demo database ({registrations} registrations, made in {made:.1f} s): "
          f"{batch.issued} issued, {batch.reused} reused, {len(batch.refused)} refused; "
          f"reprint pass: {again.reused} reused in {t_reuse:.2f} s")
    print(f"issue_for_cases + render_pdf, {count} cases into one PDF | budget ≤ {BUDGET_S:.0f} s | "
          f"{total:.2f} s (issue {t_issue:.2f} s + render {t_render:.2f} s; {result.pages} pages, "
          f"{size / 1e6:.1f} MB) | {'ok' if ok else 'OVER'}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--out", default="/tmp/notices-1000.pdf")
    ap.add_argument("--registrations", type=int, default=3000,
                    help="demo database size (about a third of the registrations become cases)")
    ap.add_argument("--skip-db", action="store_true", help="only the renderer alone")
    args = ap.parse_args()
    docs = notices(args.count)
    t0 = time.perf_counter()
    pages = render(docs, Path(args.out))
    took = time.perf_counter() - t0
    size = Path(args.out).stat().st_size
    ok = took <= BUDGET_S
    print(f"{args.count} notices into one PDF (renderer alone) | budget ≤ {BUDGET_S:.0f} s | "
          f"{took:.2f} s ({pages} pages, {size / 1e6:.1f} MB) | {'ok' if ok else 'OVER'}")
    if not args.skip_db:
        out = Path(args.out).with_name(Path(args.out).stem + "-db.pdf")
        ok = bench_database(args.count, args.registrations, out) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
