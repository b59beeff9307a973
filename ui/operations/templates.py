"""Notice templates (系统设置 → 文书模板): one function per user action, on
``app.services.petitions.notice_templates`` (and ``notice_pdf`` for the preview).

Call from the GUI thread; the service runs on a worker thread, ``on_done``/``on_error`` come back on
the GUI thread (see ``ui.operations.run``). Saving and resetting announce {"templates"}.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext

CHANGES = {"templates"}


def _templates():
    from app.services.petitions import notice_templates
    return notice_templates


@dataclass(frozen=True)
class KindRow:
    kind: str              # NoticeKind value
    label: str             # 受理告知书 …
    customised: bool       # the office has its own wording (「已修改」)


@dataclass(frozen=True)
class Template:
    kind: str
    text: str
    customised: bool
    placeholders: tuple[tuple[str, str], ...]   # (name, Chinese label), the kind's required first


@dataclass(frozen=True)
class Preview:
    pdf: bytes
    pages: int
    missing: tuple[str, ...]       # characters no font could draw
    warnings: tuple[str, ...]


def load_kinds(parent: QWidget, ctx: AppContext,
               *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Every notice kind with whether the office has edited its template (list of KindRow)."""
    db = ctx.db

    def work(_p) -> list[KindRow]:
        from app.domain.notices import NoticeKind
        n = _templates()
        return [KindRow(k.value, k.label, n.is_customised(db, k)) for k in NoticeKind]
    return run(parent, work, on_success=on_done, on_error=on_error)


def load_template(parent: QWidget, ctx: AppContext, kind: str,
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The current template of ``kind`` with its placeholders (a Template)."""
    db = ctx.db

    def work(_p) -> Template:
        n = _templates()
        return Template(kind, n.template_text(db, kind), n.is_customised(db, kind),
                        tuple(n.placeholders(kind)))
    return run(parent, work, on_success=on_done, on_error=on_error)


def save_template(parent: QWidget, ctx: AppContext, kind: str, text: str,
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Store the office's wording of ``kind``; an unknown placeholder is refused (ValidationError)."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _templates().save_template(db, actor, kind, text),
               on_success=on_done, on_error=on_error, changes=CHANGES)


def reset_template(parent: QWidget, ctx: AppContext, kind: str,
                   *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Back to the shipped wording of ``kind``; answers that text."""
    db, actor = ctx.db, ctx.actor

    def work(_p) -> str:
        n = _templates()
        n.reset_template(db, actor, kind)
        return n.template_text(db, kind)
    return run(parent, work, on_success=on_done, on_error=on_error, changes=CHANGES)


def preview_pdf(parent: QWidget, ctx: AppContext, kind: str, text: str | None,
                *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The page ``text`` (None: the saved template) gives with sample values, rendered with the
    office's font (a Preview). An unknown placeholder is refused (ValidationError)."""
    db = ctx.db

    def work(_p) -> Preview:
        out = io.BytesIO()
        from app.services.petitions import notice_pdf
        result: Any = notice_pdf.preview_pdf(db, kind, text, out)
        return Preview(out.getvalue(), int(getattr(result, "pages", 0) or 0),
                       tuple(getattr(result, "missing", ()) or ()),
                       tuple(getattr(result, "warnings", ()) or ()))
    return run(parent, work, on_success=on_done, on_error=on_error)
