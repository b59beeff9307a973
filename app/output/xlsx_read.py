"""Reading rosters and lists from .xlsx files (openpyxl, read-only streaming): the mutual-aid
roster (姓名, 性别, 身份证号, 份数), a campaign's household list, any list an office keeps in Excel.

Contract:
- :func:`read_sheet` takes a path and a :class:`SheetSpec` (the declared columns) and returns a
  :class:`ReadResult`: the data rows as :class:`SheetRow` (values by column key, plus the SHEET row
  number) and every problem as :class:`RowError` ``(row, key, message)``. It never raises for what a
  person put in the file: a file that is not an .xlsx, is password-protected, empty, has no header,
  lacks a required column → one error with ``row == 0`` (``ReadResult.file_error``) and no rows; a
  bad cell → an error on its row, and the row is still returned with that value ``None`` so that a
  caller can report every problem at once. Messages are Chinese and say what to fix.
- Pure: no database, no Qt; the caller decides what to do with the rows (check people, import all or
  none) and masks ID numbers in what it shows.
- Headers: the header row is the first of the first ``SheetSpec.header_rows`` rows that has every
  required column (title rows and merged title cells above it are skipped). A header matches a
  column's Chinese ``header`` or one of its ``aliases`` ignoring whitespace (also inside:
  「身份证\\n号码」), full-width/half-width forms, 「*」 required marks and 「（必填）」. Columns not
  declared are ignored.
- Cells: a formula gives the value Excel saved with it; text is stripped and full-width digits
  made ASCII; a row whose declared cells are all blank is skipped; a merged range inside the data
  gives every cell the value of its top-left cell (``ReadResult.merged`` names those cells, for a
  caller that must refuse them). Rows come in sheet order.
  Kinds: ``text``; ``id`` (ID number: text kept as text, 15/18 characters with an upper-case X;
  an 18-digit number is refused because Excel keeps 15 significant digits); ``date`` (a real date,
  an Excel serial number, 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日 or 20260301); ``int``;
  ``money`` (yuan in the cell → integer fen).
"""
from __future__ import annotations

import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel

from app.domain.dates import parse_date
from app.domain.errors import ValidationError
from app.domain.money import parse_yuan

KINDS = ("text", "id", "date", "int", "money")
ID_STORED_AS_NUMBER = "身份证号被存为数字，末位已丢失，请将该列设为文本后重新填写"
_FULL_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_HEADER_NOISE = re.compile(r"[\s*]|[(（]必填[)）]")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)"')
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


@dataclass(frozen=True)
class Column:
    """One declared column. ``key`` names the value in :class:`SheetRow`; ``header`` is the Chinese
    header that errors use; ``aliases`` are other headers offices write for it. ``required``: the
    column must be in the file; ``allow_blank``: a cell may be empty (its value is then ``None``)."""

    key: str
    header: str
    kind: str = "text"
    aliases: tuple[str, ...] = ()
    required: bool = True
    allow_blank: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class SheetSpec:
    columns: tuple[Column, ...]
    header_rows: int = 10              # the header row is looked for within these first rows
    sheet: str | None = None           # a sheet by name; None = the first sheet

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate column keys")


@dataclass(frozen=True)
class SheetRow:
    row: int                           # the sheet's row number (as Excel shows it)
    values: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


@dataclass(frozen=True)
class RowError:
    row: int                           # sheet row number; 0 = the file as a whole
    key: str                           # the column key ("" for the file or the header)
    message: str
    label: str = ""                    # the column's Chinese header

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else ""
        what = f"{self.label}：" if self.label else ""
        return f"{where}{' ' if where and what else ''}{what}{self.message}"


@dataclass(frozen=True)
class ReadResult:
    rows: tuple[SheetRow, ...] = ()
    errors: tuple[RowError, ...] = ()
    header_row: int = 0                # 0 when no header was found
    headers: tuple[str, ...] = field(default=())   # the header row's texts as found (blank ones left out)
    merged: frozenset[tuple[int, str]] = frozenset()   # (row, key) of cells given a merged range's value

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def file_error(self) -> str | None:
        """The message when the file as a whole could not be read (then ``rows`` is empty)."""
        return next((e.message for e in self.errors if e.row == 0), None)


def normalize_header(text: Any) -> str:
    """What header matching compares: no whitespace, half-width forms, no 「*」 or 「（必填）」."""
    if text is None:
        return ""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


def clean(value: Any) -> Any:
    """A cell's value with text stripped (ideographic spaces too) and full-width digits ASCII;
    blank text → None; other values unchanged."""
    if isinstance(value, str):
        text = value.translate(_FULL_DIGITS).strip()
        return text or None
    return value


# --- cell conversion: each returns the value or raises ValueError with the message ---------------
def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _to_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and value < 1e15:
        return str(int(value))                  # up to 15 digits survive as a number (old IDs)
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        if len(digits) <= 15 or (len(digits) == 18 and not digits.endswith("000")):
            return digits                       # 18 digits exactly: written by a program, not Excel
        raise ValueError(ID_STORED_AS_NUMBER)
    if isinstance(value, float):
        if value < 1e15:
            return str(value)                   # not an ID at all; the caller's check says why
        raise ValueError(ID_STORED_AS_NUMBER)
    text = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(value))).upper()
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", text):   # 1.10101E+17 copied from a number cell
        raise ValueError(ID_STORED_AS_NUMBER)
    return text


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, int) and 19000101 <= value <= 21001231:
            value = str(value)                  # 20260301 typed as a number
        elif 1 <= value < 73051:                # an Excel serial (1900-01-01 … 2099-12-31)
            return from_excel(value).date()
        else:
            raise ValueError(f"「{_number_text(value)}」不是日期，请按 2026-03-01 的格式填写")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = _TIME_TAIL.sub("", text)
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return parse_date(text)
    except ValidationError as exc:
        raise ValueError(exc.errors[0][1]) from None


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("应填写整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"[+-]?\d+(\.0*)?", text):
        return int(Decimal(text))
    raise ValueError(f"「{_to_text(value)}」不是整数，请填写数字，例如 2")


def _to_money(value: Any) -> int:
    if isinstance(value, float):
        value = Decimal(repr(round(value, 2) if abs(value - round(value, 2)) < 1e-9 else value))
    try:
        return parse_yuan(value if isinstance(value, (int, Decimal)) else str(value))
    except ValidationError as exc:
        raise ValueError(exc.errors[0][1]) from None


_CONVERT = {"text": _to_text, "id": _to_id, "date": _to_date, "int": _to_int, "money": _to_money}


# --- the file --------------------------------------------------------------------------------------
def _file_error(message: str, **kw: Any) -> ReadResult:
    return ReadResult(errors=(RowError(0, "", message),), **kw)


def _open_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an .xlsx (checked before openpyxl sees it), or None."""
    if not path.is_file():
        return f"文件不存在：{path}"
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            if head == _OLE_MAGIC:
                fh.seek(0)
                ole = fh.read(1 << 20)
    except OSError as exc:
        return f"文件无法读取（{exc.strerror or exc}），请确认文件没有在别的程序中打开"
    if not head:
        return "文件是空的（0 字节），请重新保存后再导入"
    if head == _OLE_MAGIC:
        if "EncryptionInfo".encode("utf-16-le") in ole:
            return "文件设置了打开密码，请在 Excel 中取消密码（文件→信息→保护工作簿）后另存再导入"
        return "文件是旧版 Excel（.xls）格式，请在 Excel 中另存为 .xlsx 后再导入"
    if not zipfile.is_zipfile(path):
        return "文件不是 Excel 表格（.xlsx），请在 Excel 中另存为「Excel 工作簿（*.xlsx）」后再导入"
    return None


def _merged_ranges(ws) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of the sheet's merged ranges. A read-only sheet does not
    parse them, so they are taken from the sheet's XML (they follow the cell data)."""
    source = getattr(ws, "_get_source", None)
    if source is None:                       # a normal worksheet
        return [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
    with source() as src:
        data = src.read()
    at = data.rfind(b"mergeCells")
    if at < 0:
        return []
    return [(int(r0), column_index_from_string(c0.decode()), int(r1), column_index_from_string(c1.decode()))
            for c0, r0, c1, r1 in _MERGE.findall(data, at - 64 if at > 64 else 0)]


def _match_header(cells: Sequence[Any], columns: Sequence[Column]) -> tuple[dict[str, list[int]], list[str]]:
    """Column key → positions (0-based) of the matching headers in ``cells``; and the texts."""
    names = {normalize_header(n): c.key for c in columns for n in c.names}
    found: dict[str, list[int]] = {}
    texts: list[str] = []
    for i, cell in enumerate(cells):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        texts.append(re.sub(r"\s+", "", str(cell)))
        key = names.get(normalize_header(cell))
        if key is not None:
            found.setdefault(key, []).append(i)
    return found, texts


def _header_problem(spec: SheetSpec, found: Mapping[str, list[int]], texts: Sequence[str],
                    header_row: int) -> str | None:
    missing = [c for c in spec.columns if c.required and c.key not in found]
    shown = "、".join(f"「{t}」" for t in texts) or "（空）"
    if missing:
        parts = []
        for c in missing:
            also = f"（也可写作{'、'.join(c.aliases)}）" if c.aliases else ""
            parts.append(f"「{c.header}」{also}")
        return (f"缺少必填列{'、'.join(parts)}。第{header_row}行的表头为：{shown}。"
                f"请在表头中加上该列，或把列名改成上面的写法后再导入")
    twice = [(c, found[c.key]) for c in spec.columns if len(found.get(c.key, ())) > 1]
    if twice:
        c, where = twice[0]
        cols = "、".join(f"{get_column_letter(i + 1)}列" for i in where)
        return f"「{c.header}」列出现了{len(where)}次（{cols}），请只保留一列后再导入"
    return None


def read_sheet(path: str | os.PathLike, spec: SheetSpec) -> ReadResult:
    """Read the declared columns of one sheet; see the module text for the contract."""
    path = Path(path)
    problem = _open_problem(path)
    if problem:
        return _file_error(problem)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises assorted errors for broken packages
        return _file_error(_broken(exc))
    try:
        return _read(wb, spec)
    except (ParseError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        return _file_error(_broken(exc))     # the sheet's XML is damaged (read while streaming)
    finally:
        wb.close()


def _broken(exc: BaseException) -> str:
    return (f"文件已损坏或不是有效的 Excel 工作簿（{type(exc).__name__}），"
            f"请在 Excel 中打开并另存为 .xlsx 后再导入")


def _pick_sheet(wb, spec: SheetSpec):
    if spec.sheet is not None:
        if spec.sheet in wb.sheetnames:
            return wb[spec.sheet], None
        names = "、".join(f"「{n}」" for n in wb.sheetnames)
        return None, f"文件中没有名为「{spec.sheet}」的工作表（现有：{names}）"
    sheets = wb.worksheets
    if not sheets:
        return None, "文件中没有工作表"
    return sheets[0], None


def _read(wb, spec: SheetSpec) -> ReadResult:
    ws, problem = _pick_sheet(wb, spec)
    if problem:
        return _file_error(problem)
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()               # trust the cells, not the size some writers declare
    rows = ws.iter_rows(values_only=True)
    # 1. the header row
    best: tuple[int, dict[str, list[int]], list[str]] | None = None
    header_row = 0
    seen_any = False
    for number, cells in enumerate(rows, start=1):
        found, texts = _match_header(cells, spec.columns)
        seen_any = seen_any or bool(texts)
        if best is None or len(found) > len(best[1]):
            best = (number, found, texts)
        if all(c.key in found for c in spec.columns if c.required) and found:
            header_row = number
            break
        if number >= spec.header_rows:
            break
    if not seen_any:
        return _file_error(f"工作表「{ws.title}」是空的，请填写表头和数据后再导入")
    assert best is not None
    if not header_row:
        number, found, texts = best
        if not found:
            names = "、".join(f"「{c.header}」" for c in spec.columns if c.required)
            return _file_error(f"在工作表「{ws.title}」的前{spec.header_rows}行中没有找到表头"
                               f"（应有 {names} 等列），请检查是否选错了文件或工作表")
        return _file_error(_header_problem(spec, found, texts, number) or "", header_row=number,
                           headers=tuple(texts))
    number, found, texts = best
    problem = _header_problem(spec, found, texts, header_row)
    if problem:
        return _file_error(problem, header_row=header_row, headers=tuple(texts))
    # 2. merged ranges below the header: every cell takes the top-left cell's value
    positions = [(c, found[c.key][0]) for c in spec.columns if c.key in found]
    wanted = {i for _, i in positions}
    fill: dict[tuple[int, int], tuple[int, int]] = {}
    anchors: dict[int, list[int]] = {}        # row → columns whose value a merged range spreads
    for r0, c0, r1, c1 in _merged_ranges(ws):
        if r1 <= header_row:
            continue
        for r in range(max(r0, header_row + 1), r1 + 1):
            for col in range(c0 - 1, c1):
                if col in wanted and (r, col) != (r0, c0 - 1):
                    fill[(r, col)] = (r0, c0 - 1)
                    anchors.setdefault(r0, []).append(c0 - 1)
    anchor_values: dict[tuple[int, int], Any] = {}
    # 3. the data rows
    out: list[SheetRow] = []
    errors: list[RowError] = []
    spread: set[tuple[int, str]] = set()
    key_at = {i: c.key for c, i in positions}
    width = max(wanted) + 1
    for number, cells in enumerate(rows, start=header_row + 1):
        for col in anchors.get(number, ()):
            anchor_values[(number, col)] = clean(cells[col]) if col < len(cells) else None
        if len(cells) < width:
            cells = (*cells, *(None,) * (width - len(cells)))
        raw = {i: clean(cells[i]) for i in wanted}
        if all(v is None for v in raw.values()):
            continue
        if fill:
            for i in wanted:
                src = fill.get((number, i))
                if src is not None and raw[i] is None:
                    raw[i] = anchor_values.get(src)
                    spread.add((number, key_at[i]))
        values: dict[str, Any] = {}
        for column, i in positions:
            value = raw[i]
            if value is None:
                values[column.key] = None
                if not column.allow_blank:
                    errors.append(RowError(number, column.key, f"未填写，请填写{column.header}", column.header))
                continue
            try:
                values[column.key] = _CONVERT[column.kind](value)
            except ValueError as exc:
                values[column.key] = None
                errors.append(RowError(number, column.key, str(exc), column.header))
        for column in spec.columns:
            values.setdefault(column.key, None)
        out.append(SheetRow(number, values))
    if not out:
        return _file_error(f"第{header_row}行是表头，但下面没有数据行，请填写后再导入",
                           header_row=header_row, headers=tuple(texts))
    return ReadResult(tuple(out), tuple(errors), header_row, tuple(texts), frozenset(spread))
