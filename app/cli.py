"""The ``uniondesk`` command (DESIGN §5). With no sub-command it opens the GUI.

Exit codes: 0 success, 2 bad input (one line, Chinese / English, on stderr), 1 a failed check.
A user error never prints a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.domain.errors import UserError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump
        self.exit(2, f"错误：命令参数有误（{message}） / error: bad arguments: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="uniondesk", description="工会信访帮扶台账系统 UnionDesk")
    p.add_argument("--db", metavar="PATH_OR_URL", help="数据库文件路径或 SQLAlchemy URL")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    d = sub.add_parser("demo", help="生成演示数据")
    d.add_argument("--seed", type=int, default=1)
    d.add_argument("--people", type=int, default=None, help="人员数量（默认约 2000）")
    d.add_argument("--registrations", type=int, default=None, help="登记数量（默认约 3000）")
    d.add_argument("--today", default=None, help="演示数据截止的“今天”（默认由种子确定，保证可重现）")

    dl = sub.add_parser("deadline", help="计算到期日")
    dl.add_argument("--start", required=True)
    dl.add_argument("--days", required=True, type=int)
    dl.add_argument("--unit", required=True, choices=["workday", "calendar"])

    b = sub.add_parser("backup", help="备份数据库到文件")
    b.add_argument("out")
    r = sub.add_parser("restore", help="从备份文件恢复")
    r.add_argument("src", metavar="IN")
    sub.add_parser("check", help="检查数据库完整性、审计链和版本")

    n = sub.add_parser("notice", help="出具或重印一份告知书（PDF）")
    n.add_argument("--case", required=True, metavar="CASE_NO",
                   help="案件编号；不予受理、转送、重复、不再受理告知书和登记表也可用登记号；也可用已出具文书的文号")
    n.add_argument("--kind", required=True, metavar="KIND",
                   help="文书种类：accept reject transfer assign extend reply repeat no_more "
                        "register_sheet，或中文名称（受理告知书…）")
    n.add_argument("--pdf", required=True, metavar="OUT", help="输出的 PDF 文件")

    _add_statistics_parsers(sub)
    _add_mutual_aid_parsers(sub)

    c = sub.add_parser("calendar", help="节假日日历")
    csub = c.add_subparsers(dest="calendar_command", required=True, parser_class=_Parser)
    ci = csub.add_parser("import", help="导入 CSV：date,kind,name")
    ci.add_argument("file")
    cs = csub.add_parser("show", help="显示某年的节假日和调休")
    cs.add_argument("year", type=int)
    return p


def _add_statistics_parsers(sub) -> None:
    st = sub.add_parser("stats", help="统计数据（JSON）")
    st.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    st.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    st.add_argument("--as-of", dest="as_of", default=None, metavar="YYYY-MM-DD",
                    help="统计截止日（默认今天）")
    st.add_argument("--json", action="store_true", required=True, help="以 JSON 输出")
    rp = sub.add_parser("report", help="统计报表（xlsx、PDF）")
    rp.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    rp.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    rp.add_argument("--as-of", dest="as_of", default=None, metavar="YYYY-MM-DD",
                    help="统计截止日（默认今天）")
    rp.add_argument("--xlsx", metavar="OUT", default=None)
    rp.add_argument("--pdf", metavar="OUT", default=None)


def _add_mutual_aid_parsers(sub) -> None:
    q = sub.add_parser("claim-quote", help="互助保障试算：按计划规则计算一笔申请现在可得的给付")
    q.add_argument("--plan", required=True, metavar="PLAN_CODE", help="计划编号，例如 ZY")
    q.add_argument("--id", required=True, metavar="ID_NUMBER", help="参保人身份证号")
    q.add_argument("--event", required=True, metavar="YYYY-MM-DD", help="入院日期或确诊日期")
    q.add_argument("--until", metavar="YYYY-MM-DD", help="出院日期（住院津贴、住院医疗）")
    q.add_argument("--tier", metavar="NAME", help="病种（定额给付）")
    q.add_argument("--amount", metavar="YUAN", help="个人自付金额（住院医疗）或医疗费用总额，元")
    ir = sub.add_parser("import-roster", help="导入互助保障参保名单（xlsx）")
    ir.add_argument("file", metavar="FILE.xlsx")
    ir.add_argument("--employer", required=True, metavar="NAME", help="单位（工会）名称")
    ir.add_argument("--plan", required=True, metavar="PLAN_CODE", help="互助计划代码（最新年度；CODE/2026 指定年度）")
    ir.add_argument("--paid", default=None, metavar="YYYY-MM-DD", help="缴费日期（也可以以后再登记）")
    ir.add_argument("--dry-run", action="store_true", help="只检查，不导入")


def _open(args, *, create: bool = False):
    """The database ``--db`` names. Only ``demo`` (and the GUI's first run) ``create`` one: any
    other command given a file that does not exist stops with exit 2, naming it, rather than
    making an empty database (and its folders) at a mistyped path. URLs are opened as given."""
    from app.db import open_database
    from app.paths import db_target
    target = db_target(args.db)
    if not create and isinstance(target, Path) and not target.is_file():
        raise UserError(f"数据库文件 {target} 不存在，请检查 --db 路径（新数据库由首次启动程序或 demo 命令建立）",
                        f"database file {target} does not exist; check --db")
    return open_database(target)


def cmd_demo(args) -> int:
    from app.domain.dates import parse_date
    from app.services import demo
    today = parse_date(args.today, "--today") if args.today else None
    db = _open(args, create=True)
    try:
        summary = demo.generate(db, seed=args.seed, people=args.people,
                                registrations=args.registrations, today=today,
                                progress=lambda frac, msg: print(f"{frac:4.0%} {msg}", file=sys.stderr))
    finally:
        db.close()
    print(summary)
    return 0


def cmd_deadline(args) -> int:
    from app.domain.dates import parse_date
    from app.domain.enums import DeadlineUnit
    from app.services import calendar
    from app.domain.calendar import check_period
    start = parse_date(args.start, "开始日期 --start")
    check_period(start, args.days, "期限天数 --days")
    db = _open(args)
    try:
        due = calendar.due_date(db, start, args.days, DeadlineUnit(args.unit))
        missing = calendar.years_without_data(db, start.year, due.year)
    finally:
        db.close()
    for y in missing:
        print(f"注意：{y} 年没有节假日数据，按周末计算 / warning: no holiday data for {y}",
              file=sys.stderr)
    print(due.isoformat())
    return 0


def cmd_backup(args) -> int:
    from app.services import audit, backup
    db = _open(args)
    try:
        out = backup.backup_to(db, Path(args.out))
    finally:
        db.close()
    anchor = audit.read_anchor(audit.sidecar_path(out))
    print(f"已备份到 {out}（审计指纹 {anchor.fingerprint}，记录于 {audit.sidecar_path(out).name}）")
    return 0


def cmd_restore(args) -> int:
    from app.db.engine import to_url
    from app.services import backup
    from app.services import audit
    url = to_url(args.db)
    saved = backup.restore_from(url, Path(args.src))
    print(f"已恢复；原数据库已保存为 {saved}" if saved else "已恢复")
    print(f"审计指纹：{audit.read_anchor(audit.anchor_path(url)).fingerprint}（已据恢复后的审计链重新设定锚点）")
    return 0


def cmd_check(args) -> int:
    from app.services import maintenance
    db = _open(args)
    try:
        report = maintenance.check(db)
    finally:
        db.close()
    for line in report.lines:
        print(line)
    return 0 if report.ok else 1


def cmd_notice(args) -> int:
    """Reprint the subject's valid notice of the kind, else issue one as CLI_ACTOR; write the PDF."""
    from app.domain.actor import CLI_ACTOR
    from app.domain.notices import SUBJECT
    from app.services.petitions import notice_pdf, notice_templates, notices
    kind = notice_templates.parse_kind(args.kind)
    out = Path(args.pdf)
    if out.is_dir():
        raise UserError(f"输出文件 {out} 是一个文件夹，请写出 PDF 文件名", f"{out} is a folder")
    if not out.parent.is_dir():
        raise UserError(f"输出文件夹 {out.parent} 不存在", f"folder {out.parent} does not exist")
    db = _open(args)
    try:
        case_id, registration_id = notices.find_subject(db, args.case)
        if SUBJECT[kind] == "case" and case_id is not None:
            subject = {"case_id": case_id}
        else:
            subject = {"registration_id": registration_id}
        rec, new = notices.reprint_or_issue(db, CLI_ACTOR, kind, **subject)
        try:
            result = notice_pdf.render_pdf(db, [rec.id], out)
        except OSError as e:
            raise UserError(f"无法写入 {out}（{e.strerror or e}）",
                            f"cannot write {out}: {e.strerror or e}") from e
    finally:
        db.close()
    for warning in result.warnings:
        print(f"注意：{warning} / warning: office font not used", file=sys.stderr)
    for warning in rec.warnings:
        print(f"注意：{warning} / warning: deadline counted without holiday data", file=sys.stderr)
    if result.missing:
        chars = "、".join(result.missing)
        codes = ", ".join(f"U+{ord(c):04X}" for c in result.missing)
        print(f"注意：字体中没有“{chars}”，已印为〓，请手工填写 / "
              f"warning: no font has {codes}, printed as 〓", file=sys.stderr)
    print(f"{'已出具' if new else '已重印'} {rec.doc_no or rec.title} → {out}")
    return 0


def cmd_calendar(args) -> int:
    from app.domain.actor import CLI_ACTOR
    from app.services import calendar
    db = _open(args)
    try:
        if args.calendar_command == "import":
            n = calendar.import_csv(db, CLI_ACTOR, Path(args.file))
            print(f"已导入 {n} 天")
        else:
            for day in calendar.year_days(db, args.year):
                print(f"{day.day.isoformat()}\t{day.kind.value}\t{day.kind.label}\t{day.name}")
            if not calendar.has_year(db, args.year):
                print(f"注意：{args.year} 年没有节假日数据 / warning: no holiday data for {args.year}",
                      file=sys.stderr)
    finally:
        db.close()
    return 0


def _report_period(args):
    """(period, as_of) from --from/--to/--as-of; a bad date or from > to is a user error."""
    from app.domain import clock
    from app.domain.dates import parse_date
    from app.domain.statistics import ReportPeriod
    start = parse_date(args.date_from, "开始日期 --from")
    end = parse_date(args.date_to, "结束日期 --to")
    if start > end:
        raise UserError(f"开始日期 {start.isoformat()} 晚于结束日期 {end.isoformat()}，请对调",
                        "--from is after --to")
    as_of = parse_date(args.as_of, "统计截止日 --as-of") if args.as_of else clock.today()
    return ReportPeriod(start, end), as_of


def cmd_stats(args) -> int:
    import json

    from app.services import statistics
    period, as_of = _report_period(args)
    db = _open(args)
    try:
        report = statistics.compute(db, period, as_of)
    finally:
        db.close()
    print(json.dumps(statistics.to_json(report), ensure_ascii=False, indent=2))
    return 0


def _output(arg: str, kind: str) -> Path:
    out = Path(arg)
    if out.is_dir() or not out.parent.is_dir():
        raise UserError(f"{kind}输出文件 {out} 是一个文件夹或所在文件夹不存在，请检查路径",
                        f"bad output path {out}")
    return out


def cmd_report(args) -> int:
    """The period's statistics T1–T5, with the trend of the 12 months ending with the period's last
    month, to xlsx and/or PDF (at least one of them)."""
    from app.domain import clock
    from app.services import statistics
    from app.services.statistics import report_pdf, workbook
    period, as_of = _report_period(args)
    if not args.xlsx and not args.pdf:
        raise UserError("请用 --xlsx 或 --pdf 指定输出文件", "give --xlsx OUT and/or --pdf OUT")
    outs = [(_output(a, k), w) for a, k, w in ((args.xlsx, "xlsx ", workbook.write),
                                               (args.pdf, "PDF ", report_pdf.write)) if a]
    db = _open(args)
    try:
        report = statistics.compute(db, period, as_of, trend=True)
        office = workbook.office_name(db)
    finally:
        db.close()
    for out, write in outs:
        try:
            write(out, report, office=office, made_on=clock.today())
        except OSError as e:
            raise UserError(f"无法写入 {out}（{e.strerror or e}）",
                            f"cannot write {out}: {e.strerror or e}") from e
        print(f"已生成统计报表 {period.label} → {out}")
    return 0


def cmd_import_roster(args) -> int:
    from app.services.mutual_aid import commands
    return commands.import_roster(args, lambda: _open(args))


def cmd_claim_quote(args) -> int:
    from app.domain.actor import CLI_ACTOR
    from app.services.mutual_aid.commands import claim_quote
    db = _open(args)
    try:
        _q, text = claim_quote(db, CLI_ACTOR, plan_code=args.plan, id_number=args.id, event=args.event,
                               until=args.until, tier=args.tier, amount=args.amount)
    finally:
        db.close()
    print(text)
    return 0


COMMANDS = {"demo": cmd_demo, "deadline": cmd_deadline, "backup": cmd_backup,
            "restore": cmd_restore, "check": cmd_check, "calendar": cmd_calendar,
            "notice": cmd_notice, "stats": cmd_stats, "report": cmd_report,
            "claim-quote": cmd_claim_quote, "import-roster": cmd_import_roster}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from ui.main import run_gui  # the only place app/ reaches into ui/, and only for the GUI
        return run_gui(args.db)
    try:
        return COMMANDS[args.command](args)
    except UserError as e:
        print(f"错误：{e.message} / error: {e.english}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
