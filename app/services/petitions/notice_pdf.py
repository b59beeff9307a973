"""Printing notices: their snapshots into one PDF in the office font (``office.notice_font``; when
unset, gone or unusable — then with a warning — the machine's 仿宋/宋体, else the bundled font),
and the template preview.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select

from app.db import Database
from app.db.models import Notice
from app.domain import clock, notices as rules
from app.domain.errors import NotFound, UserError
from app.domain.notices import NoticeKind

from .notice_templates import _kind, _sample, preview
from .notice_values import CHINESE_DATE_KEY, FONT_KEY, _doc_prefix, _flag, _setting
from .notices import _chunks, _document


@dataclass(frozen=True)
class RenderResult:
    """``pages`` written; ``missing``: characters no font has (printed as 〓); ``warnings``: Chinese
    sentences for the person (e.g. the office font is gone and the bundled font was used)."""
    pages: int
    missing: tuple[str, ...]
    warnings: tuple[str, ...]


def font_in_use(db: Database):
    """The notices' fonts (``app.output.fonts.FontSet``): the office's file (``office.notice_font``)
    when set and usable, else the machine's 仿宋/宋体, else the bundled font; ``label`` names it for
    the settings page, ``warnings`` say why an office file was not used."""
    from app.output import fonts
    with db.read() as s:
        value = _setting(s, FONT_KEY)
    return fonts.choose(value)


def font_path(db: Database) -> Path | None:
    """The office's notice font (``office.notice_font``) when set and still usable, else None (the
    machine's or the bundled font, see ``font_in_use``)."""
    with db.read() as s:
        value = _setting(s, FONT_KEY)
    chosen = font_in_use(db)
    return chosen.body if value and not chosen.warnings else None


def _render(db: Database, docs: list, out, progress) -> RenderResult:
    from app.output import pdf
    chosen = font_in_use(db)
    missing: list[str] = []
    pages = pdf.render(docs, out, font_path=chosen.body, progress=progress, missing=missing,
                       title_font_path=chosen.title)
    return RenderResult(pages=pages, missing=tuple(missing), warnings=chosen.warnings)


def render_pdf(db: Database, notice_ids: Sequence[int], out: str | os.PathLike | BinaryIO, *,
               progress: Callable[[int, int], object] | None = None,
               with_delivery: bool = False) -> RenderResult:
    """Write the notices (each from its snapshot: a reprint equals the first print) into one PDF
    at ``out``, in the order given, in the office font. ``progress(done, total)`` may raise
    Cancelled: nothing is left at a path."""
    ids = list(notice_ids)
    if not ids:
        raise UserError("没有要打印的文书", "no notices to print")
    with db.read() as s:
        rows: dict[int, Notice] = {}
        for chunk in _chunks(sorted(set(ids))):
            rows.update((n.id, n) for n in s.execute(select(Notice).where(Notice.id.in_(chunk))).scalars())
        gone = [i for i in ids if i not in rows]
        if gone:
            raise NotFound(f"找不到编号为 {gone[0]} 的文书，可能已被删除，请刷新列表", "notice not found")
        docs = [_document(rows[i], with_delivery) for i in ids]
    return _render(db, docs, out, progress)


def preview_pdf(db: Database, kind: NoticeKind | str, text: str | None,
                out: str | os.PathLike | BinaryIO) -> RenderResult:
    """``text`` (or the current template) filled with the sample values ``preview`` uses, laid out
    for this office (its name, 文号代字, date style and font) as one notice. An unknown placeholder
    raises ValidationError naming it, as ``save_template`` does."""
    from app.output.pdf import NoticeDocument
    k = _kind(kind)
    paragraphs = preview(db, k, text)
    sample = _sample()
    with db.read() as s:
        name = _setting(s, "office.name")
        prefix = _doc_prefix(s, k)
        chinese = _flag(s, CHINESE_DATE_KEY)
    today = clock.today()
    doc_no = ""
    if k.numbered:
        doc_no = rules.doc_number(prefix, today.year, 1) if prefix else sample["doc_no"]
    doc = NoticeDocument(issuer=name or sample["issuer"], doc_no=doc_no, title=k.title,
                         addressee=sample["addressee"], paragraphs=tuple(paragraphs), date=today,
                         chinese_date=chinese, sheet=k.is_sheet)
    return _render(db, [doc], out, None)
