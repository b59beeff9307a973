"""A ruled table of :mod:`app.output.pdf_table` as an xlsx sheet laid out like the PDF (the 签领表's
Excel form, DESIGN §4): the same :class:`~app.output.pdf_table.TableDocument` gives both files.

Layout: the title (merged, bold) and the header items (单位, 项目, 日期 …) on top, then the column
headers; ``per_page`` records a printed page, each record one row — or two rows where a column has a
``lower_key`` (身份证号 over 银行卡号: that column's two cells, every other cell merged over both);
after every page's records the page subtotal row, after the last page's the grand total row (label
and 大写 words merged over the columns before the first value), then a page break. Printing: A4
(landscape when the document is), one page wide, the title, header items and column headers
repeated on every page, 「第&P页 共&N页」 at the foot; the foot line (经办人 …) under the last total.

Money: columns named in ``money`` (column key → the record key holding integer fen) are numbers of
yuan formatted ``¥#,##0.00``, and their subtotal and total cells are ``SUM`` formulas over the
records' cells, so the sheet adds up in Excel; the 大写 words are the caller's text. Other cells are
text exactly as the PDF prints them (masked numbers as given).

Contract: no database, no Qt; :func:`write` writes ``OUT.part`` and renames it (whole or nothing).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from copy import copy
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break

from app.output.files import written_whole
from app.output.pdf_table import TableDocument, TotalRow

MONEY_FORMAT = '"¥"#,##0.00'
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_GREY = PatternFill("solid", fgColor="EBEBEB")
_ALIGN = {"left": "left", "center": "center", "right": "right"}
WIDTH_SCALE = 0.9          # relative column widths (pdf_table) → Excel character widths


def _text(value) -> str:
    return "" if value is None else str(value).replace("\r", "").strip()


def write(path: str | os.PathLike, doc: TableDocument, *,
          money: Mapping[str, str] | None = None, sheet_title: str = "签领表") -> Path:
    """Write ``doc`` to ``path`` (see the module text); returns the path."""
    money = dict(money or {})
    cols = list(doc.columns)
    n = len(cols)
    last_col = get_column_letter(n)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    for i, col in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(4.0, col.width * WIDTH_SCALE)

    row = 1
    ws.merge_cells(f"A{row}:{last_col}{row}")
    c = ws.cell(row, 1, doc.title)
    c.font = Font(bold=True, size=16)
    c.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[row].height = 28
    row += 1
    items = "　　".join(f"{label}：{value}" if label else value for label, value in doc.header_items)
    if items:
        ws.merge_cells(f"A{row}:{last_col}{row}")
        ws.cell(row, 1, items).alignment = Alignment(horizontal="left", vertical="center")
        row += 1
    head = row
    for i, col in enumerate(cols, start=1):
        c = ws.cell(head, i, col.header)
        c.font = Font(bold=True)
        c.fill = _GREY
        c.border = _BOX
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[head].height = 15 * max(len(col.header.split("\n")) for col in cols)
    ws.print_title_rows = f"1:{head}"
    row = head + 1
    span = 2 if doc.two_line else 1
    money_cols = {i for i, col in enumerate(cols, start=1) if col.key in money}
    subtotal_rows: list[int] = []           # the page subtotal rows, for the grand total
    # one styled cell per kind, copied (openpyxl hashes every style it is given: slow at 5,000 rows)
    styles: dict[tuple[str, bool], object] = {}

    def style(align: str, money_cell: bool):
        key = (align, money_cell)
        if key not in styles:
            probe = ws.cell(1, n + 2)
            probe.border = _BOX
            probe.alignment = Alignment(horizontal=_ALIGN[align], vertical="center", wrap_text=True)
            if money_cell:
                probe.number_format = MONEY_FORMAT
            styles[key] = copy(probe._style)  # noqa: SLF001
            del ws._cells[(1, n + 2)]  # noqa: SLF001
        return copy(styles[key])

    for page in range(doc.page_count):
        first = row
        for record in doc.page_records(page):
            for i, col in enumerate(cols, start=1):
                if col.lower_key:
                    for r, key in ((row, col.key), (row + 1, col.lower_key)):
                        cell = ws.cell(r, i, _text(record.get(key)) or None)
                        cell._style = style(col.align, False)  # noqa: SLF001
                    continue
                if i in money_cols:
                    fen = record.get(money[col.key])
                    value = None if fen is None else Decimal(int(fen)) / 100
                else:
                    value = _text(record.get(col.key)) or None
                cell = ws.cell(row, i, value)
                cell._style = style(col.align, i in money_cols)  # noqa: SLF001
                if span == 2:
                    _merge(ws, row, i, row + 1, i)
                    ws._cells[(row + 1, i)]._style = style(col.align, False)  # noqa: SLF001
            for r in range(row, row + span):
                ws.row_dimensions[r].height = 20
            row += span
        records_end = row - 1
        if doc.page_total is not None:
            _total(ws, doc, doc.page_total(doc.page_records(page)), row, money_cols,
                   lambda letter: f"=SUM({letter}{first}:{letter}{records_end})" if records_end >= first else 0)
            subtotal_rows.append(row)
            row += 1
        if doc.grand_total is not None and page == doc.page_count - 1:
            if subtotal_rows:
                def formula(letter: str) -> str:
                    cells = [f"{letter}{r}" for r in subtotal_rows]
                    parts = [f"SUM({','.join(cells[k:k + 200])})" for k in range(0, len(cells), 200)]
                    return "=" + "+".join(parts)
            else:
                def formula(letter: str) -> str:
                    return f"=SUM({letter}{head + 1}:{letter}{row - 1})"
            _total(ws, doc, doc.grand_total, row, money_cols, formula)
            row += 1
        if page < doc.page_count - 1:
            ws.row_breaks.append(Break(id=row - 1))
    if doc.foot:
        ws.cell(row + 1, 1, doc.foot)

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if doc.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第&P页 共&N页"
    with written_whole(path) as part:
        wb.save(part)
    return Path(path)


def _merge(ws, r0: int, c0: int, r1: int, c1: int) -> None:
    """``ws.merge_cells`` without its overlap check (linear in the ranges so far, so quadratic over
    a 5,000-person sheet): the ranges made here never overlap."""
    mcr = MergedCellRange(ws, f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}")
    ws.merged_cells.ranges.add(mcr)
    for r in range(r0, r1 + 1):          # what merge_cells does after its check, borders aside
        for c in range(c0, c1 + 1):
            if (r, c) != (r0, c0):
                ws._cells[(r, c)] = MergedCell(ws, r, c)  # noqa: SLF001


def _total(ws, doc: TableDocument, total: TotalRow, row: int, money_cols: set[int], formula) -> None:
    """One subtotal or total row; ``formula(column letter)`` gives a money column's formula."""
    cols = list(doc.columns)
    keys = [col.key for col in cols]
    valued = [i for i, k in enumerate(keys, start=1) if k in total.values]
    first = valued[0] if valued else len(keys) + 1
    label = "　".join(t for t in (total.label, total.words) if t)
    if first > 2:
        _merge(ws, row, 1, row, first - 1)
    for i in range(1, len(keys) + 1):
        ws.cell(row, i).border = _BOX
        ws.cell(row, i).fill = _GREY
    if first > 1:
        c = ws.cell(row, 1, label)
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    for i in valued:
        cell = ws.cell(row, i)
        if i in money_cols:
            cell.value = formula(get_column_letter(i))
            cell.number_format = MONEY_FORMAT
        else:
            cell.value = _text(total.values.get(keys[i - 1]))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal=_ALIGN[cols[i - 1].align], vertical="center")
    ws.row_dimensions[row].height = 24
