"""The 签领表 (app.services.hardship.sign_sheet over app.output.pdf_table / xlsx_table): a snapshot
rendered to PDF (read back with pypdf) and to xlsx (read back by cell)."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader

from app.domain.money import yuan_in_words
from app.services.hardship import sign_sheet as ss

DAY = date(2026, 1, 10)
ID = "11010519491231002X"


def snap(n: int) -> dict:
    rows = [ss.person_row(name=f"职工{i}", gender="女" if i % 2 else "男", birth=date(1976, 1, 11),
                          id_number=ID, card="6222 0202 0011 2233 445", address="朝阳区某某社区",
                          phone="13800138000", fen=50_000 + 100 * i, day=DAY) for i in range(1, n + 1)]
    return ss.snapshot(title="2026年元旦春节送温暖慰问金签领表", office="北京市朝阳区总工会",
                       project="2026年元旦春节送温暖", fund="上级拨款", day=DAY, rows=rows)


def test_person_row_masks_and_counts_age_on_the_day():
    row = ss.person_row(name="张三", gender="男", birth=date(1976, 1, 11), id_number=ID,
                        card="6222020200112233445", address="", phone=None, fen=1, day=DAY)
    assert row["id"] == "110105********002X" and row["card"] == "6222 **** **** 3445"
    assert row["age"] == "49"          # 50 on 11 January, not yet on the 10th
    assert ID not in str(row)


def test_pdf_has_masked_numbers_page_totals_in_words_and_page_numbers_and_reprints_identically():
    s = snap(23)
    data = ss.pdf(s)
    assert data == ss.pdf(s)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) == 3
    for i, text in enumerate(pages, start=1):
        assert f"第{i}页 共3页" in text
        assert "项目：2026年元旦春节送温暖" in text and "资金来源：上级拨款" in text
        assert "单位：北京市朝阳区总工会" in text and "日期：2026年1月10日" in text
        assert "110105********002X" in text and "6222 **** **** 3445" in text
        assert ID not in text
    first_page = sum(50_000 + 100 * i for i in range(1, 11))
    assert f"本页小计　人民币（大写）{yuan_in_words(first_page)}" in pages[0]
    total = sum(50_000 + 100 * i for i in range(1, 24))
    assert total == ss.total_fen(s)
    assert f"合计　人民币（大写）{yuan_in_words(total)}" in pages[2]
    assert "合计" not in pages[0].replace("本页小计", "")


def test_xlsx_two_rows_a_person_numbers_and_sum_formulas(tmp_path):
    out = ss.xlsx(snap(12), tmp_path / "sheet.xlsx")
    ws = load_workbook(out).active
    assert ws["A1"].value == "2026年元旦春节送温暖慰问金签领表"
    assert "资金来源：上级拨款" in ws["A2"].value
    assert [ws.cell(3, c).value for c in range(1, 11)] == [
        "序号", "姓名", "性别", "年龄", "身份证号\n银行卡号", "单位或住址", "金额（元）", "电话", "签字", "日期"]
    # person 1: rows 4 and 5, ID over card, amount a number of yuan
    assert ws["A4"].value == "1" and ws["B4"].value == "职工1" and ws["C4"].value == "女"
    assert ws["E4"].value == "110105********002X" and ws["E5"].value == "6222 **** **** 3445"
    assert float(ws["G4"].value) == 501.0 and ws["G4"].number_format == '"¥"#,##0.00'
    assert "B4:B5" in {str(r) for r in ws.merged_cells.ranges}
    # page 1: 10 persons (rows 4–23), subtotal on row 24; page 2: 2 persons, subtotal, total
    assert ws["A24"].value.startswith("本页小计　人民币（大写）")
    assert ws["G24"].value == "=SUM(G4:G23)"
    assert ws["A29"].value.startswith("本页小计") and ws["G29"].value == "=SUM(G25:G28)"
    assert ws["A30"].value == f"合计　人民币（大写）{yuan_in_words(sum(50_000 + 100 * i for i in range(1, 13)))}"
    assert ws["G30"].value == "=SUM(G24,G29)"
    assert [b.id for b in ws.row_breaks.brk] == [24]
    assert ws.oddFooter.center.text == "第&P页 共&N页"
