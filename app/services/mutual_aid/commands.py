"""The bodies of the mutual-aid commands of ``uniondesk`` (DESIGN §5); ``app/cli.py`` only parses.

``import-roster FILE.xlsx --employer NAME --plan PLAN_CODE [--paid YYYY-MM-DD] [--dry-run]``: a bad
roster lists ``row N: reason`` on stderr (IDs masked), imports nothing and exits 2; a good one
prints the members, 份 and premium total (``--dry-run``: checked only).
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:       # the parser is built before the GUI starts: nothing heavy at import
    from app.db import Database


def add_parsers(sub) -> None:
    ir = sub.add_parser("import-roster", help="导入互助保障参保名单（xlsx）")
    ir.add_argument("file", metavar="FILE.xlsx")
    ir.add_argument("--employer", required=True, metavar="NAME", help="单位（工会）名称")
    ir.add_argument("--plan", required=True, metavar="PLAN_CODE", help="互助计划代码")
    ir.add_argument("--paid", default=None, metavar="YYYY-MM-DD", help="缴费日期（也可以以后再登记）")
    ir.add_argument("--dry-run", action="store_true", help="只检查，不导入")


def import_roster(args, open_db: Callable[[], Database]) -> int:
    from app.domain.actor import CLI_ACTOR
    from app.domain.dates import parse_date
    from app.domain.money import format_yuan

    from . import enrollment
    paid = parse_date(args.paid, "缴费日期 --paid") if args.paid else None
    db = open_db()
    try:
        try:
            check = enrollment.import_roster(db, CLI_ACTOR, args.file, employer=args.employer,
                                             plan=args.plan, paid_on=paid, dry_run=args.dry_run)
        except enrollment.RosterRejected as e:
            for line in e.check.lines():
                print(line, file=sys.stderr)
            raise
    finally:
        db.close()
    done = "检查通过（未导入）" if args.dry_run else "已导入"
    print(f"{done}：{check.employer_name}　{check.plan_code} {check.plan_name}，{check.members}人，"
          f"{check.shares}份，保费合计{format_yuan(check.premium_fen)}"
          + ("" if args.dry_run or paid is None else f"，缴费日期 {paid.isoformat()}"))
    return 0
