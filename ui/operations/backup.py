"""Backup and restore (文件 → 备份/恢复数据库), on ``app.services.backup``. Call from the GUI thread;
both show a progress dialog while they run (see ``ui.operations.run``)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext


def _backup():
    from app.services import backup
    return backup


def backup_as(parent: QWidget, ctx: AppContext, path: Path, progress_label: str,
              *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Copy the database to ``path``; answers the file written. Announces {"audit"}."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _backup().backup_as(db, actor, path), on_success=on_done,
               on_error=on_error, changes={"audit"}, progress_label=progress_label)


def restore_as(parent: QWidget, ctx: AppContext, path: Path, progress_label: str,
               *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Replace the database with the backup at ``path``; answers where the old one was saved (or
    None). The person must sign in again afterwards."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _backup().restore_as(db, actor, path), on_success=on_done,
               on_error=on_error, progress_label=progress_label)
