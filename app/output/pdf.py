"""Official-format notices 告知书 as PDF (reportlab), laid out after GB/T 9704 as summarised in
DESIGN §4. Independent of the database: a service fills :class:`NoticeDocument` and calls
:func:`render`.

Layout: A4; margins 37/28/35/26 mm (top/left/bottom/right), so the text area is 156 × 225 mm;
a grid of 22 lines × 28 characters (body 16 pt, 仿宋-like; the character pitch and the leading are
computed from the text area); title 22 pt centred and emboldened (小标宋-like), the document number
under it; the addressee 「张三：」 flush left; paragraphs with a first-line indent of two characters;
the issuer centred over the date at the lower right (the date 右空四字) with room for the seal above;
an optional 送达 record as a 版记 block (thin rules above and below) at the foot of the last page;
page numbers 「— 1 —」 (14 pt) below the text area on the outer side (odd pages right, even left).
Every document starts on a new page and its page numbers start at 1. A form (``sheet``: the
信访事项登记表) has no addressee or document number: its paragraphs are the rows of a bordered
table (cells split on 「　　」, each cell 「名称：内容」 with the name in a grey cell), under the title
and a line 「登记单位：…　打印日期：…」.

Fonts: the bundled TrueType CJK font (:func:`app.paths.bundled_font`) by default, or a TrueType
仿宋/宋体 file given as ``font_path`` (checked by :func:`check_font`), and a title face
(``title_font_path``); all are embedded as subsets, and no other font is named. Which files a
notice uses is decided in :mod:`app.output.fonts` (:func:`app.output.fonts.choose`).
A character the chosen font lacks is drawn in the bundled font; one the bundled font lacks too
(rare characters of CJK Extension B and beyond, 𠮷 U+20BB7) in the first fallback font found on the
machine that has it (:func:`fallback_fonts`: SimSun-ExtB / MingLiU-ExtB on Windows, 花園明朝 on
Linux; TrueType only, loaded the first time a character needs one). A character no font has is
drawn as 「〓」 and reported in ``missing`` (see :func:`render`, :func:`missing_glyphs`).
Characters outside the BMP read back from the PDF (its ToUnicode map carries them as UTF-16
surrogate pairs; reportlab 4/5 writes them wrongly, so this module mends its CMap writer).

Line breaking: anywhere between CJK characters; runs of Latin letters and digits stay together;
a line never starts with closing punctuation (，。、；：？！）」》… : one such mark joins the full line,
which is then squeezed to the text width; more are avoided by carrying the last character over)
and never ends with an opening bracket (（「《…). Lines inside a paragraph are justified to the full
width (two-end alignment, as Word does for official documents: the room left is spread over the
character gaps, see :func:`line_box`); the last line is not.

Page breaks (GB/T 9704): when the seal room and the date do not fit under the last body line, the
line and character spacing is tightened (:data:`TIGHTER_GRIDS`) rather than printing them on a
page of their own; if no tighter grid helps, body text goes over with them, never the closing
alone.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from typing import BinaryIO

from .chinese_dates import format_date
from .fonts import FontChain, draw_runs, text_width
from .text_wrap import wrap_width


PAGE_W, PAGE_H = A4


MARGIN_TOP, MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_RIGHT = 37 * mm, 28 * mm, 35 * mm, 26 * mm


TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT          # 156 mm


TEXT_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM          # 225 mm


CHARS_PER_LINE = 28


LINES_PER_PAGE = 22


BODY_SIZE = 16.0                                       # 三号


TITLE_SIZE = 22.0                                      # 二号


PAGE_NO_SIZE = 14.0                                    # 四号


RECORD_SIZE = 14.0                                     # 版记 四号


PITCH = TEXT_W / CHARS_PER_LINE                        # advance of one full-width character


LEADING = TEXT_H / LINES_PER_PAGE


VOID_MARK = "已作废"


@dataclass(frozen=True)
class NoticeDocument:
    """One notice as printed. ``addressee`` is the bare name (「张三」 or 「张三等12人」); the colon is
    added. ``date`` is a :class:`datetime.date` (formatted here, Arabic numerals unless
    ``chinese_date``) or an already formatted text printed as it is (an issued snapshot).
    ``delivery`` holds the 送达 record line(s) (one text or several), printed at the foot of the
    last page. ``void`` true marks every page 「已作废」; a text (「已作废：原因」) is also printed as
    the header mark."""

    issuer: str
    doc_no: str
    title: str
    addressee: str
    paragraphs: Sequence[str]
    date: date | str
    seal_name: str | None = None          # issuer name printed over the date; defaults to issuer
    delivery: Sequence[str] | str | None = ()
    void: bool | str | None = False
    chinese_date: bool = False            # 二〇二六年十一月二十二日 instead of 2026年11月22日
    sheet: bool = False                   # a form (信访事项登记表) laid out as a table, see _layout_sheet

    @property
    def signature(self) -> str:
        return self.seal_name or self.issuer

    @property
    def date_text(self) -> str:
        if isinstance(self.date, str):
            return self.date
        return format_date(self.date, chinese=self.chinese_date)

    @property
    def delivery_lines(self) -> list[str]:
        if not self.delivery:
            return []
        if isinstance(self.delivery, str):
            return [ln for ln in self.delivery.splitlines() if ln.strip()]
        return [ln for ln in self.delivery if ln and ln.strip()]

    @property
    def void_label(self) -> str | None:
        """The header mark of a void notice (None when valid)."""
        if not self.void:
            return None
        if isinstance(self.void, str) and self.void.strip():
            text = self.void.strip()
            return text if text.startswith(VOID_MARK) else f"{VOID_MARK}：{text}"
        return VOID_MARK


def wrap(text: str, chars_per_line: int = CHARS_PER_LINE, indent: int = 0) -> list[str]:
    """Break ``text`` for a grid of ``chars_per_line`` full-width characters (Latin letters and
    digits count half); ``indent`` full-width characters are left free on the first line."""
    import unicodedata

    def adv(ch: str) -> float:
        return 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5
    return wrap_width(text, float(chars_per_line), adv, float(indent))


@dataclass(frozen=True)
class Grid:
    """The type grid: ``chars`` full-width characters a line, ``lines`` lines a page."""
    chars: int = CHARS_PER_LINE
    lines: int = LINES_PER_PAGE

    @property
    def pitch(self) -> float:
        return TEXT_W / self.chars

    @property
    def leading(self) -> float:
        return TEXT_H / self.lines


DEFAULT_GRID = Grid()


TIGHTER_GRIDS = (Grid(28, 23), Grid(29, 23), Grid(29, 24), Grid(30, 24), Grid(30, 25))


CLOSING_MAX = 8          # a one-line last paragraph this short (「特此告知。」) is the closing


@dataclass
class _Line:
    text: str
    size: float = BODY_SIZE
    align: str = "left"          # left | center | right
    x_offset: float = 0.0        # from the left (left) or from the right (right)
    bold: bool = False
    keep_with_next: bool = False
    justify: bool = False        # spread (or squeeze a hanging mark) to the full text width
    body: bool = False           # a line of a paragraph of the body (not heading, closing or signature)


@dataclass
class _Page:
    lines: list[_Line | None] = field(default_factory=list)   # None = blank grid line
    record: list[str] = field(default_factory=list)
    grid: Grid = DEFAULT_GRID


def _char_space(size: float, pitch: float = PITCH) -> float:
    """Tc so that a full-width character of ``size`` advances by the grid pitch (scaled)."""
    return pitch * size / BODY_SIZE - size


def _layout(doc: NoticeDocument, fonts: FontChain) -> list[_Page]:
    """The pages on the 22 × 28 grid; when the signature block would not fit on the page of the
    last body line, on the first tighter grid where it does (and the notice takes fewer pages).
    When none does, the signature goes on a new page together with body text, never alone with
    the closing."""
    pages, fits = _layout_on(doc, fonts, DEFAULT_GRID)
    if fits:
        return pages
    for grid in TIGHTER_GRIDS:
        tight, ok = _layout_on(doc, fonts, grid)
        if ok and len(tight) < len(pages):
            return tight
    return pages


def _layout_on(doc: NoticeDocument, fonts: FontChain, g: Grid) -> tuple[list[_Page], bool]:
    """The pages on grid ``g``, and whether the signature block fitted on the page of the last
    body line (False: lines were carried over to a new page for it)."""
    pitch, per_page = g.pitch, g.lines
    body_cs = _char_space(BODY_SIZE, pitch)
    title_cs = 0.0

    def adv_body(ch: str) -> float:
        return fonts.advance(ch, BODY_SIZE, body_cs)

    def adv_title(ch: str) -> float:
        return fonts.title.advance(ch, TITLE_SIZE, title_cs)

    lines: list[_Line | None] = []
    for t in wrap_width(doc.title, TEXT_W - 2 * pitch, adv_title):
        lines.append(_Line(t, TITLE_SIZE, "center", bold=True, keep_with_next=True))
    if doc.doc_no:
        lines.append(_Line(doc.doc_no, BODY_SIZE, "center", keep_with_next=True))
    lines.append(None)
    for t in wrap_width(f"{doc.addressee}：", TEXT_W, adv_body):
        lines.append(_Line(t, keep_with_next=True))
    paras = [p.strip() for p in doc.paragraphs]
    last_para = max((i for i, p in enumerate(paras) if p), default=-1)
    for p_i, para in enumerate(paras):
        if not para:
            lines.append(None)
            continue
        wrapped = wrap_width(para, TEXT_W, adv_body, indent=2 * pitch)
        closing = p_i == last_para and len(wrapped) == 1 and len(para) <= CLOSING_MAX
        for t_i, t in enumerate(wrapped):
            lines.append(_Line(t, x_offset=2 * pitch if t_i == 0 else 0.0,
                               justify=t_i < len(wrapped) - 1, body=not closing))
    # signature block: seal room, issuer centred over the date, the date 右空四字
    sig_w = sum(adv_body(c) for c in doc.signature)
    date_text = doc.date_text
    date_w = sum(adv_body(c) for c in date_text)
    date_right = 4 * pitch
    date_center_from_right = date_right + date_w / 2
    sig_right = max(0.0, date_center_from_right - sig_w / 2)
    block = [None, None,
             _Line(doc.signature, align="right", x_offset=sig_right, keep_with_next=True),
             _Line(date_text, align="right", x_offset=date_right)]

    pages: list[_Page] = [_Page(grid=g)]
    for item in lines:
        if len(pages[-1].lines) >= per_page:
            pages.append(_Page(grid=g))
        pages[-1].lines.append(item)
    # headings never end a page alone
    for i in range(len(pages) - 1):
        page, nxt = pages[i], pages[i + 1]
        while page.lines and (page.lines[-1] is None or page.lines[-1].keep_with_next) and \
                len(page.lines) > 1:
            nxt.lines.insert(0, page.lines.pop())
        while nxt.lines and nxt.lines[0] is None:
            nxt.lines.pop(0)
    # re-flow overflow created by moving lines forward
    flowed: list[_Page] = []
    for page in pages:
        for item in page.lines:
            if not flowed or len(flowed[-1].lines) >= per_page:
                flowed.append(_Page(grid=g))
            flowed[-1].lines.append(item)
    pages = flowed
    last = pages[-1]
    while last.lines and last.lines[-1] is None:
        last.lines.pop()
    record = doc.delivery_lines
    record_slots = (len(record) * RECORD_SIZE * 1.6 + 6) / g.leading if record else 0
    need = len(block) + math.ceil(record_slots)
    room = len(last.lines) + need <= per_page
    fits = room and (len(pages) == 1 or _has_body(last.lines))
    if not room:
        # carry body text over with the closing: the signature never stands alone on a page, nor
        # with the closing 「特此告知。」 only
        carried = _take_body_tail(last)
        pages.append(_Page(lines=carried, grid=g))
        last = pages[-1]
    elif not fits:
        # the last page would hold the closing only: the previous page's last body line joins it
        last.lines[0:0] = _take_body_tail(pages[-2])
    last.lines.extend(block)
    last.record = record
    return pages, fits


def _has_body(lines: Sequence[_Line | None]) -> bool:
    return any(ln is not None and ln.body for ln in lines)


def _take_body_tail(page: _Page) -> list[_Line | None]:
    """Take lines off the end of ``page`` up to and including its last body line (at least one
    line stays); blank lines at the cut are dropped."""
    carried: list[_Line | None] = []
    while len(page.lines) > 1 and not _has_body(carried):
        carried.insert(0, page.lines.pop())
    while page.lines and page.lines[-1] is None:
        page.lines.pop()
    while carried and carried[0] is None:
        carried.pop(0)
    return carried


_VOID_RED = Color(0.8, 0.0, 0.0, alpha=0.35)


_RED = Color(0.8, 0.0, 0.0)


def line_box(fonts: FontChain, item: _Line, grid: Grid = DEFAULT_GRID) -> tuple[float, float, float]:
    """(x, character spacing Tc, drawn width) of a line: body lines on the grid's pitch; a
    justified line (every line of a paragraph but its last) spread or squeezed to end exactly at
    the right margin."""
    face = fonts.title if item.size == TITLE_SIZE else fonts
    cs = _char_space(item.size, grid.pitch) if item.size == BODY_SIZE else 0.0
    width = text_width(face, item.text, item.size, cs)
    if item.justify and len(item.text) > 1:
        target = TEXT_W - (item.x_offset if item.align == "left" else 0.0)
        cs += (target - width) / (len(item.text) - 1)
        width = target
    if item.align == "center":
        x = MARGIN_LEFT + (TEXT_W - width) / 2
    elif item.align == "right":
        x = MARGIN_LEFT + TEXT_W - item.x_offset - width
    else:
        x = MARGIN_LEFT + item.x_offset
    return x, cs, width


def _draw_page(c: Canvas, fonts: FontChain, doc: NoticeDocument, page: _Page, number: int) -> None:
    top = PAGE_H - MARGIN_TOP
    leading = page.grid.leading
    for i, item in enumerate(page.lines):
        if item is None:
            continue
        # baseline: the glyph box (≈ size tall) centred in the line's grid cell
        y = top - i * leading - (leading + item.size * 0.76) / 2
        if item.size == TITLE_SIZE:
            y += 3.0                 # a little air between the title and the document number
        x, cs, _w = line_box(fonts, item, page.grid)
        face = fonts.title if item.size == TITLE_SIZE else fonts
        draw_runs(c, face, item.text, x, y, item.size, cs, item.bold)
    if page.record:
        _draw_record(c, fonts, page.record)
    _draw_page_foot(c, fonts, doc, number)


def _draw_page_foot(c: Canvas, fonts: FontChain, doc: NoticeDocument, number: int) -> None:
    """The page number 「— 1 —」 (7 mm below the text area, outer side, one character in) and, on a
    void document, the void mark."""
    label = f"— {number} —"
    w = text_width(fonts, label, PAGE_NO_SIZE, 0.0)
    y = MARGIN_BOTTOM - 7 * mm - PAGE_NO_SIZE * 0.76
    x = (MARGIN_LEFT + TEXT_W - PITCH - w) if number % 2 else (MARGIN_LEFT + PITCH)
    draw_runs(c, fonts, label, x, y, PAGE_NO_SIZE, 0.0)
    label = doc.void_label
    if label:
        _draw_void(c, fonts, label)


def _draw_record(c: Canvas, fonts: FontChain, record: Sequence[str]) -> None:
    """The 送达 record as a 版记 block at the foot of the text area, between thin rules."""
    step = RECORD_SIZE * 1.6
    bottom = MARGIN_BOTTOM
    height = len(record) * step + 6
    c.setLineWidth(0.5)
    c.line(MARGIN_LEFT, bottom, MARGIN_LEFT + TEXT_W, bottom)
    c.line(MARGIN_LEFT, bottom + height, MARGIN_LEFT + TEXT_W, bottom + height)
    cs = _char_space(RECORD_SIZE)
    for i, line in enumerate(record):
        y = bottom + height - 3 - (i + 1) * step + (step - RECORD_SIZE * 0.76) / 2
        draw_runs(c, fonts, line, MARGIN_LEFT + PITCH * RECORD_SIZE / BODY_SIZE, y, RECORD_SIZE, cs)


def _draw_void(c: Canvas, fonts: FontChain, label: str) -> None:
    c.saveState()
    c.setFillColor(_VOID_RED)
    c.setStrokeColor(_VOID_RED)
    c.translate(PAGE_W / 2, PAGE_H / 2)
    c.rotate(35)
    size = 96.0
    w = text_width(fonts, VOID_MARK, size, 0.0)
    draw_runs(c, fonts, VOID_MARK, -w / 2, -size * 0.35, size, 0.0)
    c.restoreState()
    # header mark, boxed, top right
    c.saveState()
    c.setFillColor(_RED)
    c.setStrokeColor(_RED)
    size = 14.0
    if text_width(fonts, label, size, 0.0) > TEXT_W - 8:
        label = label[:int((TEXT_W - 8) / size) - 1] + "…"
    w = text_width(fonts, label, size, 0.0)
    x = PAGE_W - MARGIN_RIGHT - w
    y = PAGE_H - MARGIN_TOP + 12 * mm
    c.setLineWidth(1)
    c.rect(x - 4, y - 5, w + 8, size + 6, stroke=1, fill=0)
    draw_runs(c, fonts, label, x, y, size, 0.0)
    c.restoreState()


SHEET_SIZE = 14.0                      # 四号, as forms use


SHEET_LEADING = SHEET_SIZE * 1.5


SHEET_PAD = 4.0                        # inside a cell, left/right and top/bottom


CELL_GAP = "\u3000\u3000"              # two ideographic spaces separate the cells of a row


_LABEL_GREY = Color(0.93, 0.93, 0.93)


@dataclass
class _Cell:
    label: str
    width: float                       # label and value together
    label_w: float
    lines: list[str]                   # the value, wrapped to its cell


@dataclass
class _Row:
    cells: list[_Cell]

    @property
    def n_lines(self) -> int:
        return max(1, max(len(c.lines) for c in self.cells))


@dataclass
class _SheetPage:
    rows: list[_Row] = field(default_factory=list)
    first: bool = True                 # carries the title and the issuer/date line


def _sheet_rows(doc: NoticeDocument, fonts: FontChain) -> list[_Row]:
    """One table row a paragraph; its cells are split on 「　　」 and each cell on its first 「：」
    into a grey label cell and a value cell. Cells share the row's width equally."""
    def adv(ch: str) -> float:
        return fonts.advance(ch, SHEET_SIZE, 0.0)

    rows: list[_Row] = []
    for para in doc.paragraphs:
        parts = [p.strip() for p in para.split(CELL_GAP) if p.strip()]
        if not parts:
            continue
        width = TEXT_W / len(parts)
        cells = []
        for part in parts:
            label, sep, value = part.partition("：")
            if not sep:
                label, value = "", part
            label_w = sum(adv(ch) for ch in label) + 2 * SHEET_PAD if label else 0.0
            label_w = min(label_w, width / 2)
            inner = width - label_w - 2 * SHEET_PAD
            lines = wrap_width(value, inner, adv) if value else [""]
            cells.append(_Cell(label, width, label_w, lines))
        rows.append(_Row(cells))
    return rows


def _sheet_top(first: bool) -> float:
    """Where the table starts: below the title and the issuer/date line on the first page."""
    top = PAGE_H - MARGIN_TOP
    return top - 2 * LEADING if first else top


def _layout_sheet(doc: NoticeDocument, fonts: FontChain) -> list[_SheetPage]:
    """Rows fill the text area; a row too tall for what is left of a page is split between lines
    (its labels stay on the first part) when at least one line fits, else moved on."""
    pages = [_SheetPage()]
    room = _sheet_top(True) - MARGIN_BOTTOM
    for row in _sheet_rows(doc, fonts):
        while True:
            need = row.n_lines * SHEET_LEADING + 2 * SHEET_PAD
            if need <= room:
                pages[-1].rows.append(row)
                room -= need
                break
            fit = int((room - 2 * SHEET_PAD) // SHEET_LEADING)
            if fit >= 1:
                head = _Row([_Cell(c.label, c.width, c.label_w, c.lines[:fit]) for c in row.cells])
                row = _Row([_Cell("", c.width, c.label_w, c.lines[fit:]) for c in row.cells])
                pages[-1].rows.append(head)
            pages.append(_SheetPage(first=False))
            room = _sheet_top(False) - MARGIN_BOTTOM
    return pages


def _draw_sheet_page(c: Canvas, fonts: FontChain, doc: NoticeDocument, page: _SheetPage,
                     number: int) -> None:
    top = PAGE_H - MARGIN_TOP
    if page.first:
        w = text_width(fonts.title, doc.title, TITLE_SIZE, 0.0)
        draw_runs(c, fonts.title, doc.title, MARGIN_LEFT + (TEXT_W - w) / 2,
                   top - (LEADING + TITLE_SIZE * 0.76) / 2, TITLE_SIZE, 0.0, bold=True)
        y = top - LEADING - (LEADING + SHEET_SIZE * 0.76) / 2
        draw_runs(c, fonts, f"登记单位：{doc.signature}", MARGIN_LEFT, y, SHEET_SIZE, 0.0)
        right = f"打印日期：{doc.date_text}"
        draw_runs(c, fonts, right, MARGIN_LEFT + TEXT_W - text_width(fonts, right, SHEET_SIZE, 0.0),
                   y, SHEET_SIZE, 0.0)
    y = _sheet_top(page.first)
    c.setLineWidth(0.75)
    for row in page.rows:
        h = row.n_lines * SHEET_LEADING + 2 * SHEET_PAD
        x = MARGIN_LEFT
        for cell in row.cells:
            if cell.label_w:
                c.saveState()
                c.setFillColor(_LABEL_GREY)
                c.rect(x, y - h, cell.label_w, h, stroke=0, fill=1)
                c.restoreState()
                if cell.label:
                    lw = text_width(fonts, cell.label, SHEET_SIZE, 0.0)
                    draw_runs(c, fonts, cell.label, x + (cell.label_w - lw) / 2,
                               y - h / 2 - SHEET_SIZE * 0.36, SHEET_SIZE, 0.0)
                c.rect(x, y - h, cell.label_w, h, stroke=1, fill=0)
            c.rect(x + cell.label_w, y - h, cell.width - cell.label_w, h, stroke=1, fill=0)
            for i, line in enumerate(cell.lines):
                ly = y - SHEET_PAD - i * SHEET_LEADING - (SHEET_LEADING + SHEET_SIZE * 0.76) / 2
                draw_runs(c, fonts, line, x + cell.label_w + SHEET_PAD, ly, SHEET_SIZE, 0.0)
            x += cell.width
        y -= h
    _draw_page_foot(c, fonts, doc, number)


def render(docs: Sequence[NoticeDocument], out: str | os.PathLike | BinaryIO,
           font_path: str | os.PathLike | None = None,
           progress: Callable[[int, int], object] | None = None,
           missing: list[str] | None = None,
           title_font_path: str | os.PathLike | None = None) -> int:
    """Write ``docs`` into one PDF at ``out`` (a path: written to ``.part`` and renamed at the end;
    or a binary file object). Returns the number of pages written.

    ``progress(done, total)`` is called after each document; it may raise
    :class:`app.domain.errors.Cancelled` to abort (no file is left at a path). Characters no font can
    draw are printed as 「〓」 and appended once each to ``missing`` when a list is given.
    ``font_path`` is a TrueType 仿宋/宋体 file (checked with :func:`check_font`); the bundled font
    serves for the characters it lacks. ``title_font_path`` is the title's face (小标宋/宋体; the
    body's when None). :func:`app.output.fonts.choose` says which files to use. Every font the PDF
    names is embedded (the page's initial font is the body font, not reportlab's Helvetica)."""
    fonts = FontChain(Path(font_path) if font_path is not None else None, missing,
                   Path(title_font_path) if title_font_path is not None else None)
    part: Path | None = None
    if isinstance(out, (str, os.PathLike)):
        target = Path(out)
        part = target.with_name(target.name + ".part")
        sink: str | BinaryIO = str(part)
    else:
        sink = out
    c = Canvas(sink, pagesize=A4, pageCompression=1, initialFontName=fonts.primary.name,
               initialFontSize=BODY_SIZE)
    c.setTitle(docs[0].title if len(docs) == 1 else "告知书")
    c.setCreator("UnionDesk")
    pages = 0
    try:
        total = len(docs)
        for n, doc in enumerate(docs, start=1):
            layout, draw = (_layout_sheet, _draw_sheet_page) if doc.sheet else (_layout, _draw_page)
            for number, page in enumerate(layout(doc, fonts), start=1):
                draw(c, fonts, doc, page, number)
                c.showPage()
                pages += 1
            if progress is not None:
                progress(n, total)
        c.save()
        if part is not None:
            os.replace(part, Path(out))
    except BaseException:
        if part is not None:
            part.unlink(missing_ok=True)
        raise
    return pages
