"""Notices 告知书 (文书): one function per user action, on ``app.services.petitions.notices``.

Call from the GUI thread; the service runs on a worker thread, ``on_done``/``on_error`` come back on
the GUI thread (see ``ui.operations.run``). Issuing, voiding and recording a delivery announce
{"notices", "cases"} (a delivered 受理告知书 stops the case's written-notice clock; the case page
and the lists show it). The service checks the permission, the kind against the case's or
registration's state (refused with a Chinese ``Conflict``) and the office profile.

``issue_and_render(kind, …)`` is 出具 and, on the same worker, the new notice's PDF: the one operation
behind 出具… of the 文书 panel and 出具并预览 of the offer bar. ``notice_pdf(ids)`` renders the issued notices from their snapshots into one PDF in memory and
answers ``(bytes, RenderResult)``; a reprint is the very document first printed.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext

CHANGES = {"notices", "cases"}


def _notices():
    from app.services.petitions import notices
    return notices


# ---------------------------------------------------------------- reading

def load_notices(parent: QWidget, ctx: AppContext, *, case_id: int | None = None,
                 registration_id: int | None = None,
                 on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Every notice of a case (and of its registration) or of a registration, oldest first:
    ``[NoticeRecord]``."""
    db = ctx.db

    def work(_p):
        n = _notices()
        if case_id is not None:
            return n.notices_for_case(db, case_id)
        if registration_id is not None:
            return n.notices_for_registration(db, registration_id)
        return []
    return run(parent, work, on_success=on_done, on_error=on_error)


# ---------------------------------------------------------------- acts

@dataclass(frozen=True)
class Issued:
    """What ``issue_and_render`` answers: the notice issued, and its PDF unless rendering failed."""
    record: Any                         # NoticeRecord, with its document number
    pdf: bytes | None = None            # None when not asked for or when rendering failed
    result: Any = None                  # RenderResult (characters no font has, warnings)
    render_error: BaseException | None = None


def issue_and_render(parent: QWidget, ctx: AppContext, kind: str, *, case_id: int | None = None,
                     registration_id: int | None = None, render: bool = True,
                     on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """出具 (and, with ``render``, the new notice's PDF): answers ``Issued``. The notice is issued
    (committed, its number taken) before it is rendered, so a rendering failure does not undo it:
    it comes back in ``Issued.render_error`` through ``on_done`` (never ``on_error``, which would
    invite issuing it again). ``on_error`` gets the refusal of the issue itself."""
    db, actor = ctx.db, ctx.actor

    def work(_p) -> Issued:
        rec = _notices().issue(db, actor, kind, case_id=case_id, registration_id=registration_id)
        if not render:
            return Issued(rec)
        try:
            data, result = _render(db, [rec.id])
        except Exception as exc:  # noqa: BLE001  (reported with the issued notice)
            return Issued(rec, render_error=exc)
        return Issued(rec, data, result)
    return run(parent, work, on_success=on_done, on_error=on_error, changes=CHANGES)


def void(parent: QWidget, ctx: AppContext, notice_id: int, reason: str,
         *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """作废 with a reason; answers the ``NoticeRecord``."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _notices().void(db, actor, notice_id, reason),
               on_success=on_done, on_error=on_error, changes=CHANGES)


def record_delivery(parent: QWidget, ctx: AppContext, notice_id: int, method: str | None,
                    delivered_on, recipient: str,
                    *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """登记送达; answers the ``NoticeRecord``."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _notices().record_delivery(db, actor, notice_id, method,
                                                             delivered_on, recipient),
               on_success=on_done, on_error=on_error, changes=CHANGES)


# ---------------------------------------------------------------- printing

def _render(db, ids: list[int], progress=None, with_delivery: bool = False):
    """``(pdf bytes, RenderResult)`` of the notices ``ids`` (worker thread)."""
    out = io.BytesIO()
    from app.services.petitions import notice_pdf
    result = notice_pdf.render_pdf(db, ids, out, progress=progress, with_delivery=with_delivery)
    return out.getvalue(), result


def notice_pdf(parent: QWidget, ctx: AppContext, ids: list[int], *, with_delivery: bool = False,
               on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """预览/打印 (reprint): answers ``(bytes, RenderResult)`` of the notices ``ids`` in one PDF."""
    db = ctx.db
    ids = list(ids)
    return run(parent, lambda _p: _render(db, ids, with_delivery=with_delivery),
               on_success=on_done, on_error=on_error)
