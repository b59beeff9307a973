"""Ruled tables as PDF (reportlab): 签领表 (sign-for sheets of hardship payments and campaigns,
DESIGN §4) and the statistics reports' tables.

Contract:
- A caller fills a :class:`TableDocument` and calls :func:`render`; no database, no Qt. Texts are
  printed as given: the caller formats money (``format_yuan``), dates and 大写 (``yuan_in_words``)
  and masks ID and card numbers (the one mask of app.domain); this module only lays them out.
- Layout: A4 portrait or landscape, margins 15 mm; the title centred on every page; the header
  items (单位, 项目, 日期 …) on one line below it, spread over the width (one a line when they do
  not fit); a ruled table whose columns have a header, a relative width (scaled to the text width),
  an alignment and optionally ``wrap``; ``per_page`` records a page (the last page may have fewer),
  every record one row of the same height. A column with a ``lower_key`` makes two-line rows: its
  cell shows ``record[key]`` over ``record[lower_key]`` (身份证号 over 银行卡号); the other cells span
  both lines. Under the records of every page the page subtotal row (``page_total(records of the
  page)``, computed by the caller), and on the last page the grand total row (``grand_total``): its
  label and 大写 text fill the columns before the first total value. A text that does not fit its
  cell is wrapped (``wrap`` columns) or drawn smaller first (down to 6 pt, then wrapped); only what
  does not fit even so is cut with 「…」. An optional ``foot`` line (经办人：… 审核人：…) under
  the table, and 「第1页 共N页」 centred at the foot.
- Fonts: the notice renderer's font chain (bundled CJK font, an office font file, rare-character
  fallbacks), reached through :func:`_font_chain` only; fonts are embedded as subsets. A character
  no font has is drawn as 「〓」 and appended to ``missing``.
- Deterministic: reportlab's invariant mode (no creation time, a fixed document ID), so the same
  document gives the same bytes (a reprint is identical).
- :func:`render` returns the PDF's bytes; it writes no file.

Flowing tables (:func:`flow_table`): rows without page subtotals that run on over as many pages as
they need, the header row repeated, inside a caller's reportlab story (the statistics report:
several tables, headings and charts in one document). Same look: thin grey rules, a grey header
row, numbers right-aligned, shaded total rows.
"""
from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table, TableStyle

from app.output import fonts
from app.output.text_wrap import wrap_width

MARGIN = 15 * mm
TITLE_SIZE = 18.0
MIN_SIZE = 6.0
PAD = 2.0                                  # inside a cell, each side
LINE = 1.25                                # line height as a multiple of the font size
ALIGNS = ("left", "center", "right")
_HEAD_GREY = Color(0.92, 0.92, 0.92)


@dataclass(frozen=True)
class TableColumn:
    key: str
    header: str                            # 「\n」 breaks a header over two lines
    width: float                           # relative; the columns are scaled to the text width
    align: str = "left"
    wrap: bool = False
    lower_key: str | None = None           # two-line rows: record[key] over record[lower_key]

    def __post_init__(self) -> None:
        if self.align not in ALIGNS:
            raise ValueError(f"unknown alignment {self.align!r}")
        if self.width <= 0:
            raise ValueError("column width must be positive")


@dataclass(frozen=True)
class TotalRow:
    """A subtotal or total line: ``label`` (本页小计 / 合计) and ``words`` (人民币（大写）…) fill the
    columns before the first column in ``values``; ``values`` are texts by column key."""

    label: str
    values: Mapping[str, str] = field(default_factory=dict)
    words: str = ""


@dataclass(frozen=True)
class TableDocument:
    title: str
    columns: Sequence[TableColumn]
    records: Sequence[Mapping[str, Any]]
    header_items: Sequence[tuple[str, str]] = ()           # (单位, 某某区总工会) → 「单位：某某区总工会」
    per_page: int = 10
    page_total: Callable[[Sequence[Mapping[str, Any]]], TotalRow] | None = None
    grand_total: TotalRow | None = None
    foot: str = ""
    landscape: bool = False
    font_size: float = 10.5                                # 五号

    def __post_init__(self) -> None:
        if self.per_page < 1:
            raise ValueError("per_page must be at least 1")
        keys = {c.key for c in self.columns}
        for total in [self.grand_total] if self.grand_total else []:
            unknown = set(total.values) - keys
            if unknown:
                raise ValueError(f"total values for unknown columns {sorted(unknown)}")

    @property
    def two_line(self) -> bool:
        return any(c.lower_key for c in self.columns)

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.records) // self.per_page))

    def page_records(self, page: int) -> Sequence[Mapping[str, Any]]:
        """The records of page ``page`` (0-based)."""
        return self.records[page * self.per_page:(page + 1) * self.per_page]


# --- fonts: the one door to the font chain ------------------------------------------------------
class _Pen:
    """Draws and measures text in the notice renderer's font chain."""

    def __init__(self, font_path: Path | None, missing: list[str] | None):
        self._fonts = fonts.FontChain(font_path, missing)
        self._draw = fonts.draw_runs
        self._width = fonts.text_width
        self.wrap = wrap_width
        self.missing = self._fonts.missing
        self.font_name = self._fonts.primary.name
        self.fitted: dict[tuple, tuple[float, list[tuple[str, float]]]] = {}   # texts repeat

    def width(self, text: str, size: float) -> float:
        return self._width(self._fonts, text, size, 0.0) if text else 0.0

    def advance(self, ch: str, size: float) -> float:
        return self._fonts.advance(ch, size, 0.0)

    def draw(self, c: Canvas, text: str, x: float, y: float, size: float, bold: bool = False) -> None:
        if text:
            self._draw(c, self._fonts, text, x, y, size, 0.0, bold)
            c.setLineWidth(0.5)


def _font_chain(font_path: str | os.PathLike | None, missing: list[str] | None) -> _Pen:
    return _Pen(Path(font_path) if font_path is not None else None, missing)


# --- cells --------------------------------------------------------------------------------------
def _text(value: Any) -> str:
    return "" if value is None else str(value).replace("\r", "").strip()


def _fit(pen: _Pen, text: str, width: float, height: float, size: float,
         wrap: bool) -> tuple[float, list[str]]:
    """The size and lines that put ``text`` into a box. A ``wrap`` cell wraps, then is drawn
    smaller; another cell is drawn smaller on one line, and only when even the smallest size is
    too wide, wrapped. What still does not fit is cut with 「…」."""
    inner_w, inner_h = width - 2 * PAD, height - 2 * PAD
    paragraphs = text.split("\n")

    def attempt(s: float, wrapped: bool) -> tuple[bool, list[str]]:
        lines = [ln for p in paragraphs for ln in pen.wrap(p, inner_w, lambda ch: pen.advance(ch, s))] \
            if wrapped else paragraphs
        fits = len(lines) * s * LINE <= inner_h + 0.01 and \
            all(pen.width(ln, s) <= inner_w + 0.01 for ln in lines)
        return fits, lines

    sizes = [size - 0.5 * k for k in range(int((size - MIN_SIZE) / 0.5) + 1)]
    for wrapped in ((True,) if wrap else (False, True)):
        for s in sizes:
            fits, lines = attempt(s, wrapped)
            if fits:
                return s, lines
    s = MIN_SIZE
    lines = attempt(s, True)[1]
    keep = max(1, int((inner_h + 0.01) // (s * LINE)))
    if len(lines) > keep:
        lines = lines[:keep]
        lines[-1] = lines[-1] + "…"
    return s, [_cut(pen, ln, inner_w, s) for ln in lines]


def _cut(pen: _Pen, line: str, width: float, size: float) -> str:
    if pen.width(line, size) <= width + 0.01:
        return line
    while line and pen.width(line + "…", size) > width:
        line = line[:-1]
    return line + "…"


def _draw_cell(c: Canvas, pen: _Pen, text: str, x: float, top: float, width: float, height: float,
               size: float, align: str, wrap: bool, bold: bool = False) -> None:
    if not text:
        return
    key = (text, width, height, size, wrap)
    hit = pen.fitted.get(key)
    if hit is None:
        s, lines = _fit(pen, text, width, height, size, wrap)
        hit = pen.fitted[key] = (s, [(line, pen.width(line, s)) for line in lines])
    s, measured = hit
    block = len(measured) * s * LINE
    y = top - (height - block) / 2 - s * LINE / 2 - s * 0.36      # first baseline, block centred
    for line, w in measured:
        if align == "center":
            lx = x + (width - w) / 2
        elif align == "right":
            lx = x + width - PAD - w
        else:
            lx = x + PAD
        pen.draw(c, line, lx, y, s, bold)
        y -= s * LINE


# --- the page -----------------------------------------------------------------------------------
@dataclass
class _Frame:
    """Where things go on every page (points)."""

    page_w: float
    page_h: float
    xs: list[float]                 # column left edges, and the right edge last
    title_y: float
    items: list[tuple[str, float, float]]   # (text, x, baseline)
    head_top: float
    head_h: float
    row_h: float

    @property
    def left(self) -> float:
        return self.xs[0]

    @property
    def right(self) -> float:
        return self.xs[-1]


def _frame(doc: TableDocument, pen: _Pen) -> _Frame:
    page_w, page_h = landscape(A4) if doc.landscape else A4
    text_w = page_w - 2 * MARGIN
    total = sum(col.width for col in doc.columns)
    xs = [MARGIN]
    for col in doc.columns:
        xs.append(xs[-1] + text_w * col.width / total)
    size = doc.font_size
    y = page_h - MARGIN
    title_y = y - TITLE_SIZE * 0.9
    y -= TITLE_SIZE * 1.6
    # header items: one line spread over the width, or one a line
    texts = [f"{label}：{value}" if label else value for label, value in doc.header_items]
    widths = [pen.width(t, size) for t in texts]
    items: list[tuple[str, float, float]] = []
    if texts and sum(widths) + 2 * size * (len(texts) - 1) <= text_w:
        gap = (text_w - sum(widths)) / (len(texts) - 1) if len(texts) > 1 else 0.0
        x = MARGIN
        y -= size * LINE
        for t, w in zip(texts, widths):
            items.append((t, x, y + size * 0.2))
            x += w + gap
    else:
        for t in texts:
            y -= size * LINE
            items.append((_cut(pen, t, text_w, size), MARGIN, y + size * 0.2))
    head_top = y - size * 0.6
    head_lines = max(len(col.header.split("\n")) for col in doc.columns)
    head_h = head_lines * size * LINE + 2 * PAD + 2
    bottom = MARGIN + size * 2 * LINE + (size * 1.5 * LINE if doc.foot else 0.0)
    slots = doc.per_page + (1 if doc.page_total else 0) + (1 if doc.grand_total else 0)
    row_cap = size * (4.6 if doc.two_line else 2.6)           # room for a signature
    row_h = min(row_cap, (head_top - head_h - bottom) / slots)
    if row_h < size * LINE * (2 if doc.two_line else 1) + 2 * PAD:
        raise ValueError(f"{doc.per_page} records do not fit on a page")
    return _Frame(page_w, page_h, xs, title_y, items, head_top, head_h, row_h)


def _draw_header(c: Canvas, pen: _Pen, doc: TableDocument, f: _Frame) -> float:
    size = doc.font_size
    s, (title,) = _fit(pen, doc.title, f.right - f.left, TITLE_SIZE * 1.6, TITLE_SIZE, False)
    pen.draw(c, title, (f.page_w - pen.width(title, s)) / 2, f.title_y, s, bold=True)
    for text, x, y in f.items:
        pen.draw(c, text, x, y, size)
    top = f.head_top
    c.setFillColor(_HEAD_GREY)
    c.rect(f.left, top - f.head_h, f.right - f.left, f.head_h, stroke=0, fill=1)
    c.setFillColor(Color(0, 0, 0))
    for i, col in enumerate(doc.columns):
        w = f.xs[i + 1] - f.xs[i]
        c.rect(f.xs[i], top - f.head_h, w, f.head_h, stroke=1, fill=0)
        _draw_cell(c, pen, col.header, f.xs[i], top, w, f.head_h, size, "center", False, bold=True)
    return top - f.head_h


def _draw_record(c: Canvas, pen: _Pen, doc: TableDocument, f: _Frame, record: Mapping[str, Any],
                 top: float) -> float:
    h = f.row_h
    for i, col in enumerate(doc.columns):
        x, w = f.xs[i], f.xs[i + 1] - f.xs[i]
        c.rect(x, top - h, w, h, stroke=1, fill=0)
        if col.lower_key:
            c.saveState()
            c.setLineWidth(0.3)
            c.line(x, top - h / 2, x + w, top - h / 2)
            c.restoreState()
            _draw_cell(c, pen, _text(record.get(col.key)), x, top, w, h / 2, doc.font_size, col.align, False)
            _draw_cell(c, pen, _text(record.get(col.lower_key)), x, top - h / 2, w, h / 2,
                       doc.font_size, col.align, False)
        else:
            _draw_cell(c, pen, _text(record.get(col.key)), x, top, w, h, doc.font_size, col.align, col.wrap)
    return top - h


def _draw_total(c: Canvas, pen: _Pen, doc: TableDocument, f: _Frame, total: TotalRow, top: float) -> float:
    h = f.row_h
    keys = [col.key for col in doc.columns]
    valued = [i for i, k in enumerate(keys) if k in total.values]
    first = valued[0] if valued else len(keys)
    last = valued[-1] if valued else len(keys) - 1
    label = "　".join(t for t in (total.label, total.words) if t)
    # the label span, then each column up to the last value, then one blank span
    spans = [(0, first, label, "left", True)] if first else []
    spans += [(i, i + 1, _text(total.values.get(keys[i])), doc.columns[i].align, False)
              for i in range(first, last + 1)]
    if last + 1 < len(keys):
        spans.append((last + 1, len(keys), "", "left", False))
    for a, b, text, align, wrap in spans:
        x, w = f.xs[a], f.xs[b] - f.xs[a]
        c.rect(x, top - h, w, h, stroke=1, fill=0)
        _draw_cell(c, pen, text, x, top, w, h, doc.font_size, align, wrap, bold=True)
    return top - h


def _draw_page(c: Canvas, pen: _Pen, doc: TableDocument, f: _Frame, page: int) -> None:
    c.setLineWidth(0.5)
    y = _draw_header(c, pen, doc, f)
    top = f.head_top
    records = doc.page_records(page)
    for record in records:
        y = _draw_record(c, pen, doc, f, record, y)
    if doc.page_total is not None:
        y = _draw_total(c, pen, doc, f, doc.page_total(records), y)
    if doc.grand_total is not None and page == doc.page_count - 1:
        y = _draw_total(c, pen, doc, f, doc.grand_total, y)
    c.setLineWidth(1.0)
    c.rect(f.left, y, f.right - f.left, top - y, stroke=1, fill=0)
    c.setLineWidth(0.5)
    size = doc.font_size
    if doc.foot:
        pen.draw(c, _cut(pen, doc.foot, f.right - f.left, size), f.left, y - size * 1.5 * LINE, size)
    label = f"第{page + 1}页 共{doc.page_count}页"
    pen.draw(c, label, (f.page_w - pen.width(label, size)) / 2, MARGIN, size)


def render(doc: TableDocument, font_path: str | os.PathLike | None = None,
           missing: list[str] | None = None) -> bytes:
    """``doc`` as the bytes of a PDF of ``doc.page_count`` pages (the caller writes them, e.g.
    whole-or-nothing with ``ui.pdfview.write_pdf``). ``font_path``: a TrueType file the office
    chose (checked as for the notices); the bundled font serves for the characters it lacks."""
    pen = _font_chain(font_path, missing)
    frame = _frame(doc, pen)
    buf = io.BytesIO()
    # the canvas starts in our font: its default (Helvetica, never embedded) would be referenced
    c = Canvas(buf, pagesize=(frame.page_w, frame.page_h), pageCompression=1, invariant=1,
               initialFontName=pen.font_name, initialFontSize=doc.font_size)
    c.setTitle(doc.title)
    c.setCreator("UnionDesk")
    for page in range(doc.page_count):
        _draw_page(c, pen, doc, frame, page)
        c.showPage()
    c.save()
    return buf.getvalue()


_TOTAL_GREY = Color(0.95, 0.95, 0.95)


def flow_table(rows: Sequence[Sequence[Any]], font: str, widths: Sequence[float] | None = None,
               size: float = 9, shaded_rows: Sequence[int] = ()) -> Table:
    """A ruled reportlab ``Table`` flowable: ``rows[0]`` is the header (repeated on every page it
    runs onto), the first column left-aligned and the others right-aligned; ``shaded_rows`` (合计
    rows) are shaded. ``font``: a registered font name (``fonts._load_font``)."""
    t = Table([list(r) for r in rows], colWidths=widths, repeatRows=1)
    style = [("FONT", (0, 0), (-1, -1), font, size), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
             ("BACKGROUND", (0, 0), (-1, 0), _HEAD_GREY),
             ("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("ALIGN", (0, 0), (-1, 0), "CENTER"),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for r in shaded_rows:
        style.append(("BACKGROUND", (0, r), (-1, r), _TOTAL_GREY))
    t.setStyle(TableStyle(style))
    return t
