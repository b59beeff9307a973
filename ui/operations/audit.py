"""The audit log (操作日志): reading it, on ``app.services.audit``. GUI thread in, GUI thread out
(see ``ui.operations.run``); nothing here writes."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext


def search_audit(parent: QWidget, ctx: AppContext, *, entity: str | None, username: str | None,
                 action: str | None, date_from: date | None, date_to: date | None,
                 text: str | None, before_id: int | None, limit: int,
                 on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Entries newest first, older than ``before_id`` (``list[AuditEntry]``)."""
    db, actor = ctx.db, ctx.actor

    def work(_p):
        from app.services import audit
        return audit.search(db, actor, entity=entity, username=username, action=action,
                            date_from=date_from, date_to=date_to, text=text,
                            before_id=before_id, limit=limit)
    return run(parent, work, on_success=on_done, on_error=on_error)
