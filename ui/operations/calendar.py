"""The holiday calendar (系统设置 → 节假日日历): one function per user action, on
``app.services.calendar``.

Call from the GUI thread; the service runs on a worker thread, ``on_done``/``on_error`` come back on
the GUI thread (see ``ui.operations.run``). Writes announce {"calendar"}.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.domain.enums import DayKind
    from ui.context import AppContext

CHANGES = {"calendar"}


def _calendar():
    from app.services import calendar
    return calendar


def load_year(parent: QWidget, ctx: AppContext, year: int,
              *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Answers ``(entries, banner)``: the year's marked days (``tuple[CalendarEntry, ...]``) and,
    when the year has no holidays at all, the message saying its data is missing (else None)."""
    db = ctx.db

    def work(_p):
        from app.domain.enums import DayKind
        calendar = _calendar()
        entries = tuple(calendar.year_days(db, year))
        has_data = any(e.kind is DayKind.HOLIDAY for e in entries)
        return entries, None if has_data else calendar.missing_years_message([year])
    return run(parent, work, on_success=on_done, on_error=on_error)


def set_day(parent: QWidget, ctx: AppContext, day: date, kind: DayKind | None, name: str,
            *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Mark ``day`` as ``kind`` (None: back to the normal rule)."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _calendar().set_day(db, actor, day, kind, name),
               on_success=on_done, on_error=on_error, changes=CHANGES)


def import_csv(parent: QWidget, ctx: AppContext, path: Path | str,
               *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Import a ``date,kind,name`` CSV, all rows or none; answers the number of days."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _calendar().import_csv(db, actor, path),
               on_success=on_done, on_error=on_error, changes=CHANGES)
