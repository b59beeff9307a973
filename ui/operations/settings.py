"""Office settings (系统设置 → 单位信息): one function per user action, on ``app.services.settings``.

Call from the GUI thread; the service runs on a worker thread, ``on_done``/``on_error`` come back on
the GUI thread (see ``ui.operations.run``). Saving announces {"settings"}.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext


def _settings():
    from app.services import settings
    return settings


def load_settings(parent: QWidget, ctx: AppContext,
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Every setting's current value (``dict[key, value]``)."""
    db = ctx.db
    return run(parent, lambda _p: _settings().load(db), on_success=on_done, on_error=on_error)


def save_settings(parent: QWidget, ctx: AppContext, values: dict[str, Any],
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Store the changed ``values``; answers how many there were. A ValidationError names them."""
    db, actor = ctx.db, ctx.actor

    def work(_p) -> int:
        _settings().save(db, actor, values)
        return len(values)
    return run(parent, work, on_success=on_done, on_error=on_error, changes={"settings"})


def load_office_name(parent: QWidget, ctx: AppContext,
                     *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The office's name (str, may be empty)."""
    db = ctx.db
    return run(parent, lambda _p: _settings().office(db).name, on_success=on_done, on_error=on_error)
