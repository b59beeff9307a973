"""A plain xlsx table writer (openpyxl, write-only mode so that rows stream to disk and memory stays
flat for hundreds of thousands of rows).

Layout: row 1 the title (bold, larger; callers put what was selected in it), row 2 the column
headers (bold, grey fill) with an autofilter over the data, data from row 3; the header stays
visible when scrolling (frozen panes) and is repeated on every printed page. Printing: A4
landscape, fitted to one page wide (as many pages tall as needed), page numbers in the header.
Cell kinds: ``text``, ``code`` (text that looks like a number — ID numbers — stored in the Text
format ``@`` so Excel neither converts it nor flags "number stored as text"), ``int``, ``date`` and
``datetime`` (real Excel dates), ``money`` (integer fen in → a number of yuan with the
``¥#,##0.00`` format, so sums work in Excel).

The file is written to ``path + ".part"`` and renamed at the end: a failed or cancelled export
leaves no half-written file behind.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

MONEY_FORMAT = '"¥"#,##0.00'
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
KINDS = ("text", "code", "int", "date", "datetime", "money")
TEXT_FORMAT = "@"
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


def _cell(ws, column: Column, value):
    if value is None or value == "":
        return None
    cell = WriteOnlyCell(ws, value=value)
    if column.kind == "money":
        cell.value = Decimal(int(value)) / 100
        cell.number_format = MONEY_FORMAT
    elif column.kind == "date":
        cell.value = value.date() if isinstance(value, datetime) else value
        cell.number_format = DATE_FORMAT
    elif column.kind == "datetime":
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
    elif column.kind == "text":
        cell.value = str(value)
    elif column.kind == "code":
        cell.value = str(value)
        cell.number_format = TEXT_FORMAT
    return cell


def _page_setup(ws) -> None:
    """A4 landscape, one page wide, header row repeated, page numbers; set before the first row
    (the sheet's properties are streamed ahead of the rows)."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0          # as many pages tall as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = "2:2"
    ws.oddHeader.right.text = "第 &P 页，共 &N 页"


def write_table(path: str | os.PathLike, title: str, columns: Sequence[Column],
                rows: Iterable[Sequence], *, sheet_title: str = "Sheet1",
                on_row: Callable[[int], None] | None = None, footer: str | None = None) -> int:
    """Write ``rows`` (sequences in the order of ``columns``) under ``title``; returns the number of
    data rows. ``on_row(n)`` is called every 1000 rows (it may raise to abort; no file is left).
    ``footer``: one line of text below the data (e.g. the audit fingerprint)."""
    path = Path(path)
    part = path.with_name(path.name + ".part")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A3"
    _page_setup(ws)
    head = WriteOnlyCell(ws, value=title)
    head.font = Font(bold=True, size=14)
    ws.append([head])
    headers = []
    for col in columns:
        c = WriteOnlyCell(ws, value=col.header)
        c.font = Font(bold=True)
        c.fill = _HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center")
        headers.append(c)
    ws.append(headers)
    n = 0
    try:
        for row in rows:
            ws.append([_cell(ws, col, v) for col, v in zip(columns, row)])
            n += 1
            if on_row is not None and n % 1000 == 0:
                on_row(n)
        if columns:
            ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{2 + n}"
        if footer:
            ws.append([footer])
        wb.save(part)
        os.replace(part, path)
    except BaseException:
        try:
            ws.close()          # ends the write-only row stream (its temp file)
        except Exception:  # noqa: BLE001 - already failing; the first error is the one to report
            pass
        part.unlink(missing_ok=True)
        raise
    return n
