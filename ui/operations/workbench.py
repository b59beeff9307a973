"""The workbench (工作台): what it reads, on ``app.services.settings``, ``calendar``, ``lists`` and
``intake``. Call from the GUI thread; the reads run on a worker thread (see ``ui.operations.run``).
The services are imported there too: the workbench is the first page painted after sign-in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.services.petitions.hotspots import HotspotRecord
    from app.services.petitions.workbench import WorkbenchCounts
    from ui.context import AppContext


@dataclass(frozen=True)
class WorkbenchData:
    office_name: str
    banner: str | None          # the holiday data of a year is missing
    warn_workdays: int = 2      # the office's 即将到期 setting (deadline.warn_workdays)


@dataclass(frozen=True)
class DeskData:
    counts: WorkbenchCounts
    warnings: list[HotspotRecord]


def load_workbench(parent: QWidget, ctx: AppContext, today: date,
                   *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The office name, the missing-holidays banner and the 即将到期 days (``WorkbenchData``)."""
    db = ctx.db

    def work(_p) -> WorkbenchData:
        from app.services import calendar, settings
        return WorkbenchData(settings.office(db).name, calendar.missing_data_banner(db, today),
                             settings.get(db, "deadline.warn_workdays"))
    return run(parent, work, on_success=on_done, on_error=on_error)


def load_desk(parent: QWidget, ctx: AppContext, today: date,
              *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The petition desk's counters and open warnings (``DeskData``)."""
    db, actor = ctx.db, ctx.actor

    def work(_p) -> DeskData:
        from app.services.petitions import hotspots
        from app.services.petitions import workbench
        return DeskData(workbench.workbench_counts(db, actor, today), hotspots.open_warnings(db, limit=50))
    return run(parent, work, on_success=on_done, on_error=on_error)
