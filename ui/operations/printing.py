"""Batch printing (案件办理 → 批量打印文书): the notices of one kind for many cases, in one PDF.

``batch_notices`` runs off the GUI thread with a progress dialog and 取消: first every case's
newest valid notice of the kind is reused (a reprint, same number) and — when ``issue_missing`` —
the missing ones are issued, all in ONE transaction (取消 there rolls every new number back); then
the snapshots are rendered into one PDF in memory (取消 there leaves the issued notices issued: they
are real, numbered documents and can be reprinted). The answer is a ``BatchPrint``.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext

ISSUE_SHARE = 0.3   # of the progress bar: issuing; the rest is rendering


@dataclass(frozen=True)
class BatchPrint:
    batch: Any              # app.services.petitions.notices.BatchIssue
    pdf: bytes              # empty when nothing could be printed
    rendered: Any           # app.services.petitions.notices.RenderResult, or None


def batch_notices(parent: QWidget, ctx: AppContext, kind: str, case_ids: Sequence[int], *,
                  issue_missing: bool, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor, ids = ctx.db, ctx.actor, list(case_ids)

    def work(progress):
        from app.services.petitions import notice_pdf, notices
        progress(0.0, f"正在准备 {len(ids)} 件案件的文书…")
        batch = notices.issue_for_cases(
            db, actor, kind, ids, issue_missing=issue_missing,
            progress=lambda done, total: progress(ISSUE_SHARE * done / max(total, 1),
                                                  f"正在出具文书 {done}/{total}"))
        if not batch.notice_ids:
            return BatchPrint(batch, b"", None)
        buf = io.BytesIO()
        rendered = notice_pdf.render_pdf(
            db, batch.notice_ids, buf,
            progress=lambda done, total: progress(
                ISSUE_SHARE + (1 - ISSUE_SHARE) * done / max(total, 1), f"正在生成 PDF {done}/{total}"))
        return BatchPrint(batch, buf.getvalue(), rendered)
    return run(parent, work, on_success=on_done, on_error=on_error,
               changes={"notices", "cases", "audit"}, progress_label="正在生成文书…")
