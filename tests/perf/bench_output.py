"""Benchmark of the ledgers' output modules (no database):

    .venv/bin/python tests/perf/bench_output.py [--rows 10000] [--records 5000]

1. ``app.output.xlsx_read.read_sheet`` on a roster of ``rows`` rows (7 columns), saved twice: as
   openpyxl writes it (inline strings) and as Excel and WPS write it (shared strings, made here by
   rewriting the package). Prints wall and CPU time beside openpyxl's own streaming of the same file,
   the floor under any reader built on it. DESIGN §6: a roster of 10,000 rows checked and imported
   ≤ 5 s in all.
2. ``app.output.pdf_table.render`` of a 签领表 of ``records`` records, 10 a page (DESIGN §6: a
   campaign of 5,000 households' 签领表 ≤ 5 s).
Wall time on a shared machine depends on its load; CPU time is the steadier figure.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from openpyxl import Workbook, load_workbook  # noqa: E402

from app.domain.money import format_yuan, yuan_in_words  # noqa: E402
from app.output.pdf_table import TableColumn, TableDocument, TotalRow, render  # noqa: E402
from app.output.xlsx_read import Column, SheetSpec, read_sheet  # noqa: E402

SPEC = SheetSpec((
    Column("name", "姓名"), Column("gender", "性别"), Column("id_number", "身份证号", "id"),
    Column("shares", "份数", "int"), Column("paid_on", "缴费日期", "date", required=False),
    Column("amount", "金额", "money", required=False), Column("unit", "单位", required=False)))


def roster(folder: Path, rows: int) -> tuple[Path, Path]:
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年职工互助保障参保名单"])
    ws.append(["姓名", "性别", "身份证号", "份数", "缴费日期", "金额", "单位"])
    for i in range(rows):
        ws.append([f"职工{i}", "男" if i % 2 else "女", f"44010619900307{i % 10000:04d}", 1 + i % 3,
                   "2026-03-01", 60 * (1 + i % 3), "一车间"])
    inline = folder / "inline.xlsx"
    wb.save(inline)
    with zipfile.ZipFile(inline) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    table: dict[bytes, int] = {}

    def shared(m: re.Match) -> bytes:
        return m.group(1) + b' t="s"><v>' + str(table.setdefault(m.group(2), len(table))).encode() + b"</v></c>"

    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'(<c r="[A-Z]+\d+")(?: s="\d+")? t="inlineStr"><is><t>(.*?)</t></is></c>',
                          shared, parts[sheet])
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (len(table), len(table))
        + b"".join(b"<si><t>" + s + b"</t></si>" for s in table) + b"</sst>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    excel = folder / "shared.xlsx"
    with zipfile.ZipFile(excel, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return excel, inline


def best_of(fn, clock, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t = clock()
        fn()
        best = min(best, clock() - t)
    return best


def openpyxl_alone(path: Path) -> None:
    wb = load_workbook(path, read_only=True)
    for _ in wb.worksheets[0].iter_rows(values_only=True):
        pass
    wb.close()


def sign_sheet(records: int) -> TableDocument:
    cols = (TableColumn("no", "序号", 5, "center"), TableColumn("name", "姓名", 9, "center"),
            TableColumn("gender", "性别", 5, "center"), TableColumn("age", "年龄", 5, "center"),
            TableColumn("id", "身份证号\n银行卡号", 22, "center", lower_key="card"),
            TableColumn("address", "单位或住址", 22, wrap=True),
            TableColumn("amount", "金额（元）", 11, "right"), TableColumn("phone", "电话", 13, "center"),
            TableColumn("sign", "签字", 11), TableColumn("date", "日期", 10))
    rows = [{"no": i, "name": f"职工{i}", "gender": "男", "age": 40, "id": f"440106********{i % 10000:04d}",
             "card": f"6222****{i % 10000:04d}", "address": "广州市天河区某某街道某某社区",
             "amount": format_yuan(50_000 + i), "phone": "13800138000", "fen": 50_000 + i}
            for i in range(1, records + 1)]

    def total(label: str, rs) -> TotalRow:
        fen = sum(r["fen"] for r in rs)
        return TotalRow(label, {"amount": format_yuan(fen)}, f"人民币（大写）{yuan_in_words(fen)}")

    return TableDocument("2026年元旦春节送温暖慰问金签领表", cols, rows,
                         [("单位", "某某区总工会"), ("项目", "2026年送温暖"), ("日期", "2026年1月10日")],
                         per_page=10, page_total=lambda rs: total("本页小计", rs),
                         grand_total=total("合计", rows), landscape=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--records", type=int, default=5_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        excel, inline = roster(Path(folder), args.rows)
        for label, path in (("shared strings (Excel, WPS)", excel), ("inline strings (openpyxl)", inline)):
            result = read_sheet(path, SPEC)
            assert result.ok and len(result.rows) == args.rows, result.errors[:3]
            figures = [best_of(lambda: read_sheet(path, SPEC), clock) * 1000
                       for clock in (time.perf_counter, time.process_time)]
            floor = [best_of(lambda: openpyxl_alone(path), clock) * 1000
                     for clock in (time.perf_counter, time.process_time)]
            print(f"xlsx_read {args.rows} rows, {label}: wall {figures[0]:.0f} ms, CPU {figures[1]:.0f} ms "
                  f"(openpyxl alone: wall {floor[0]:.0f} ms, CPU {floor[1]:.0f} ms)")
    render(sign_sheet(3))                    # fonts registered once, as in a running program
    doc = sign_sheet(args.records)
    wall, cpu = time.perf_counter(), time.process_time()
    data = render(doc)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"pdf_table 签领表 {args.records} records, {doc.page_count} pages, {len(data) // 1024} KiB: "
          f"wall {wall:.2f} s, CPU {cpu:.2f} s (budget 5 s)")


if __name__ == "__main__":
    main()
