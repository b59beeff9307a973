"""The list pages (``ui.widgets.list_page``, every ledger): saved filters, export and the choices of a
filter's drop-down, on ``app.services.query.saved_filters`` and the list's ``ListService``. (The
table models read their pages themselves, see ``ui.models``.)

Call from the GUI thread; the service runs on a worker thread, ``on_done``/``on_error`` come back on
the GUI thread (see ``ui.operations.run``). Saving or deleting a filter announces {"audit"}.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext


def _saved_filters():
    from app.services.query import saved_filters
    return saved_filters


def list_saved_filters(parent: QWidget, ctx: AppContext, filter_cls: type,
                       *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The signed-in person's saved filters of ``filter_cls`` (``list[SavedFilterRecord]``)."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _saved_filters().list_saved(db, actor, filter_cls),
               on_success=on_done, on_error=on_error)


def save_filter(parent: QWidget, ctx: AppContext, name: str, f: Any,
                *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _saved_filters().save(db, actor, name, f),
               on_success=on_done, on_error=on_error, changes={"audit"})


def delete_filter(parent: QWidget, ctx: AppContext, filter_id: int,
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _saved_filters().delete(db, actor, filter_id),
               on_success=on_done, on_error=on_error, changes={"audit"})


def load_choices(parent: QWidget, ctx: AppContext, load: Callable[[Any], Any],
                 *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """A filter drop-down's ``[(value, label)]`` from the service call ``load(db)``."""
    db = ctx.db
    return run(parent, lambda _p: load(db), on_success=on_done, on_error=on_error)


def load_total(parent: QWidget, ctx: AppContext, total: Callable[[Any, Any], int], f: Any,
               *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """A list's footer sum (fen) of the rows of ``f`` (``ListService.total``)."""
    db = ctx.db
    return run(parent, lambda _p: total(db, f), on_success=on_done, on_error=on_error)


def export_xlsx(parent: QWidget, ctx: AppContext, export: Callable[..., Any], f: Any, path: str,
                full_ids: bool, progress_label: str, *, on_done: OnDone = None,
                on_error: OnError = None) -> Operation:
    """Write the rows of ``f`` to an xlsx file through the list's ``export`` service call
    (``ListService.export``), with a progress dialog and 取消. Full ID numbers are an audited
    export: then it announces {"audit"}."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda progress: export(db, actor, f, path, full_ids=full_ids, progress=progress),
               on_success=on_done, on_error=on_error, progress_label=progress_label,
               changes={"audit"} if full_ids else None)
